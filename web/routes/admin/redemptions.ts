// Redemptions in the admin API: every redemption with its status and the
// order that used it, and issuing a reward to a member on their behalf.
import { Router, type Request } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { NotUnderReview, redeemNow, RedemptionRefused, resolveReview } from '../../loyalty/redemptions.js';
import { listDebits, resolveDebitReview } from '../../loyalty/store-credit-debits.js';
import type { AdminClient } from '../../shopify/admin.js';
import type { Jobs } from '../../jobs/index.js';

const shopOf = (req: Request) => req.shop!;

export function adminRedemptionRoutes(deps: { pool: pg.Pool; admin: AdminClient | null; jobs: Pick<Jobs, 'enqueue'> }): Router {
  const router = Router();

  router.get('/redemptions', async (req, res) => {
    const { status, memberId } = z
      .object({ status: z.enum(['PENDING', 'ISSUED', 'USED', 'FAILED', 'EXPIRED']).optional(), memberId: z.string().optional() })
      .parse(req.query);
    const { rows } = await deps.pool.query(
      `SELECT d.id, d.status, d.points, d."valueMinor", d."currencyCode", d.code, d."orderId", d.error, d."createdAt", d."issuedAt", d."usedAt", d."expiresAt",
              d."memberId", m."customerId", m.email, m."firstName", m."lastName", w.id AS "rewardId", w.name AS "rewardName", w.type AS "rewardType",
              o.name AS "orderName", o."totalMinor" AS "orderTotalMinor"
       FROM "Redemption" d JOIN "Reward" w ON w.id = d."rewardId" JOIN "Member" m ON m.id = d."memberId"
       LEFT JOIN "Order" o ON o.shop = d.shop AND o."orderId" = d."orderId"
       WHERE d.shop = $1 AND ($2::text IS NULL OR d.status = $2::"RedemptionStatus") AND ($3::text IS NULL OR d."memberId" = $3)
       ORDER BY d."createdAt" DESC LIMIT 200`,
      [shopOf(req), status ?? null, memberId ?? null],
    );
    res.json({ redemptions: rows });
  });

  /** An admin issues a reward to a member (goodwill, a support case): the member's points pay for it. */
  router.post('/members/:id/redemptions', async (req, res) => {
    const input = z.object({ rewardId: z.string().min(1), points: z.number().int().positive().optional() }).parse(req.body);
    const shop = shopOf(req);
    const { rows } = await deps.pool.query(
      `SELECT m."customerId", s."currencyCode" FROM "Member" m JOIN "Shop" s ON s.domain = m.shop WHERE m.id = $1 AND m.shop = $2`,
      [req.params.id, shop],
    );
    if (!rows[0]) throw new HttpError(404, 'not_found', 'No such member');
    // Scoped to this route (the member is part of the redemption's unique key); a malformed key is refused, not ignored.
    const header = req.get('idempotency-key');
    if (header !== undefined && !/^[\w-]{8,100}$/.test(header)) {
      throw new HttpError(400, 'invalid_input', 'The Idempotency-Key header is not valid', { 'Idempotency-Key': '8 to 100 letters, digits, - or _' });
    }
    const key = `admin:redemptions:${header ?? crypto.randomUUID()}`;
    try {
      const redemption = await redeemNow(
        { pool: deps.pool, admin: deps.admin, enqueueIssue: () => deps.jobs.enqueue('issue-pending-redemptions', {}) },
        { shop, customerId: rows[0].customerId, ...input, idempotencyKey: key, currencyCode: rows[0].currencyCode },
      );
      if (redemption.rewardId !== input.rewardId) {
        throw new HttpError(409, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request', { 'Idempotency-Key': 'already used with other values' });
      }
      const { id, status, code, points, error } = redemption;
      res.status(201).json({ redemption: { id, status, code, points, error } });
    } catch (error) {
      if (error instanceof RedemptionRefused) throw new HttpError(409, error.code, error.message);
      throw error;
    }
  });

  /** Runs a review; "try again" wakes the issue job; a record not under review is a 409 (404 when not in the shop). */
  const reviewed = async (review: () => Promise<string>) => {
    try {
      const result = await review();
      if (result === 'retry') await deps.jobs.enqueue('issue-pending-redemptions', {});
      return result;
    } catch (error) {
      if (error instanceof NotUnderReview) throw new HttpError(error.missing ? 404 : 409, error.missing ? 'not_found' : 'not_under_review', error.message);
      throw error;
    }
  };

  /** Settles a store credit redemption whose Shopify answer was lost, after the admin checked Shopify. */
  router.post('/redemptions/:id/review', async (req, res) => {
    const { outcome } = z.object({ outcome: z.enum(['credited', 'retry', 'return-points']) }).parse(req.body);
    res.json({ outcome: await reviewed(() => resolveReview(deps.pool, shopOf(req), req.params.id!, outcome, req.userId ?? null)) });
  });

  /** Store credit taken back by refunds after cashback (see loyalty/cashback.ts). */
  router.get('/store-credit-debits', async (req, res) => {
    const { status } = z.object({ status: z.enum(['PENDING', 'DONE', 'FAILED']).optional() }).parse(req.query);
    res.json({ debits: await listDebits(deps.pool, shopOf(req), status ?? null) });
  });

  router.post('/store-credit-debits/:id/review', async (req, res) => {
    const { outcome } = z.object({ outcome: z.enum(['debited', 'retry', 'cancel']) }).parse(req.body);
    res.json({ outcome: await reviewed(() => resolveDebitReview(deps.pool, shopOf(req), req.params.id!, outcome, req.userId ?? null)) });
  });

  return router;
}
