// POST /api/webhooks — every topic arrives here (topic in X-Shopify-Topic).
// Order of checks: size (413) → HMAC over the raw bytes (401, nothing stored)
// → headers (400) → JSON and payload shape (400, recorded as malformed) →
// one transaction that records the delivery, deduplicated on
// (shop, topic, X-Shopify-Event-Id), and applies the handler's effect.
// A 2xx means the effect is committed; any failure rolls both back and
// answers 5xx so Shopify retries.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import type { Shopify } from '../shopify.js';
import type pg from 'pg';
import { pgSql, transaction, type Sql as Tx } from '../db/sql.js';
import type { Jobs } from '../jobs/index.js';
import { HttpError, fieldErrors } from '../http/errors.js';
import { parseWebhookBody } from './payload.js';
import type { WebhookHandler, WebhookOutcome } from './types.js';
import type { Programs } from '../loyalty/program.js';

export interface IntakeDeps {
  shopify: Shopify;
  /** Plain pg connections: the intake's transaction runs on these (web/db/sql.ts). */
  pool: pg.Pool;
  jobs: Pick<Jobs, 'enqueue'>;
  handlers: ReadonlyMap<string, WebhookHandler<never>>;
  programs: Programs;
  bodyLimit: string;
}

interface Delivery {
  shop: string;
  topic: string;
  eventId: string;
  webhookId: string | null;
  apiVersion: string | null;
  triggeredAt: Date | null;
  bodyBytes: number;
  bodySha256: string;
}

type Status = 'PROCESSED' | 'IGNORED' | 'MALFORMED';

/**
 * Inserts the delivery unless (shop, topic, event) is already logged; returns
 * its id and whether the shop is installed (one round trip), or null for a repeat.
 * Only applied deliveries count as logged: one rejected as malformed is taken
 * over by its next arrival (a fixed release, a corrected payload) and applied then.
 */
async function logDelivery(
  db: Tx,
  d: Delivery,
  status: Status,
  error: string | null,
  lockKey: string | null = null,
): Promise<{ id: string; installed: boolean } | null> {
  const id = randomUUID();
  // With a lock key, the handler's advisory lock is taken here, before the insert (the row comes from the locking SELECT).
  const rows = await db.$queryRaw<Array<{ id: string; installed: boolean | null }>>`
    INSERT INTO "WebhookDelivery" (id, shop, topic, "eventId", "webhookId", "apiVersion", "triggeredAt", status, error, "bodyBytes", "bodySha256")
    SELECT ${id}, ${d.shop}, ${d.topic}, ${d.eventId}, ${d.webhookId}, ${d.apiVersion}, ${d.triggeredAt}::timestamp,
           ${status}::"DeliveryStatus", ${error}, ${d.bodyBytes}::int, ${d.bodySha256}
    FROM (SELECT CASE WHEN ${lockKey}::text IS NULL THEN NULL ELSE pg_advisory_xact_lock(hashtextextended(${lockKey}::text, 0)) END) AS serialised
    ON CONFLICT (shop, topic, "eventId") DO UPDATE
      SET status = EXCLUDED.status, error = EXCLUDED.error, "webhookId" = EXCLUDED."webhookId", "apiVersion" = EXCLUDED."apiVersion",
          "triggeredAt" = EXCLUDED."triggeredAt", "bodyBytes" = EXCLUDED."bodyBytes", "bodySha256" = EXCLUDED."bodySha256", "receivedAt" = now()
      WHERE "WebhookDelivery".status = 'MALFORMED'
    RETURNING id, (SELECT "uninstalledAt" IS NULL FROM "Shop" WHERE domain = ${d.shop}) AS installed`;
  return rows[0] ? { id: rows[0].id, installed: rows[0].installed === true } : null;
}

function readDelivery(req: Request, shopify: Shopify, body: Buffer): Delivery {
  const header = (name: string) => req.get(name) || null;
  const shop = shopify.utils.sanitizeShop(header('x-shopify-shop-domain') ?? '');
  if (!shop) throw new HttpError(400, 'invalid_shop', 'X-Shopify-Shop-Domain is not a valid shop domain');
  // Older API versions send no event id; the webhook id still identifies retries of one delivery.
  const eventId = header('x-shopify-event-id') ?? header('x-shopify-webhook-id');
  if (!eventId) throw new HttpError(400, 'missing_headers', 'X-Shopify-Event-Id is required');
  const triggered = header('x-shopify-triggered-at');
  return {
    shop,
    topic: header('x-shopify-topic')!,
    eventId,
    webhookId: header('x-shopify-webhook-id'),
    apiVersion: header('x-shopify-api-version'),
    triggeredAt: triggered && !Number.isNaN(Date.parse(triggered)) ? new Date(triggered) : null,
    bodyBytes: body.length,
    bodySha256: createHash('sha256').update(body).digest('hex'),
  };
}

export function webhookIntake(deps: IntakeDeps): Router {
  const router = express.Router();
  router.post('/api/webhooks', express.raw({ type: () => true, limit: deps.bodyLimit }), async (req, res, next) => {
    try {
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      verify(req, body, deps.shopify.config.apiSecretKey);
      const delivery = readDelivery(req, deps.shopify, body);
      const log = req.log.child({ shop: delivery.shop, topic: delivery.topic, eventId: delivery.eventId });
      const handler = deps.handlers.get(delivery.topic);

      let payload: unknown;
      try {
        payload = parseWebhookBody(body);
      } catch (error) {
        // The parser's message quotes the body, which may hold NUL characters PostgreSQL text cannot.
        await logDelivery(
          pgSql(deps.pool),
          delivery,
          'MALFORMED',
          `invalid JSON: ${(error as Error).message.replaceAll('\u0000', '\\u0000').slice(0, 2000)}`,
        );
        throw new HttpError(400, 'malformed_payload', 'The body is not valid JSON');
      }
      if (handler) {
        const parsed = handler.payload.safeParse(payload);
        if (!parsed.success) {
          const fields = fieldErrors(parsed.error);
          await logDelivery(pgSql(deps.pool), delivery, 'MALFORMED', JSON.stringify(fields).slice(0, 2000));
          throw new HttpError(400, 'malformed_payload', `The ${delivery.topic} payload is not as expected`, fields);
        }
        payload = parsed.data;
      }

      // Loaded before the transaction: on the embedded database a query outside
      // an open transaction would wait for it to end.
      const program = handler ? await deps.programs.get(delivery.shop) : null;
      const lockKey = handler?.serialiseOn?.(delivery.shop, payload as never) ?? null;
      const outcome = await transaction(deps.pool, async (tx) => {
        const logged = await logDelivery(tx, delivery, 'PROCESSED', null, lockKey);
        if (logged === null) return 'duplicate' as const;
        const { id } = logged;
        let result: WebhookOutcome = 'ignored';
        let note: string | null = null;
        if (!handler) note = `no handler for ${delivery.topic}`;
        else if (handler.requiresInstalledShop && !logged.installed) note = 'shop not installed';
        else {
          const ctx = {
            tx,
            shop: delivery.shop,
            topic: delivery.topic,
            deliveryId: id,
            log,
            jobs: deps.jobs,
            program: async () => program,
          };
          result = await handler.handle(ctx, payload as never);
        }
        if (result === 'ignored') {
          await tx.$executeRaw`UPDATE "WebhookDelivery" SET status = 'IGNORED', error = ${note} WHERE id = ${id}`;
        }
        return result;
      });
      log.info({ outcome }, 'webhook');
      res.status(200).json({ ok: true, outcome });
    } catch (error) {
      next(error);
    }
  });
  return router;
}

const REQUIRED_HEADERS = ['x-shopify-topic', 'x-shopify-shop-domain', 'x-shopify-api-version', 'x-shopify-webhook-id'];

/**
 * Shopify's algorithm (base64 HMAC-SHA256 of the raw bytes, constant-time
 * compare), the same as @shopify/shopify-api's webhooks.validate but over the
 * Buffer as received: the library's request conversion cost ~7% of a
 * delivery's CPU under load. Checked against Shopify's vectors in the tests.
 */
function verify(req: Request, body: Buffer, secret: string): void {
  const header = req.get('x-shopify-hmac-sha256');
  if (!header) throw new HttpError(401, 'missing_hmac', 'X-Shopify-Hmac-Sha256 is required');
  if (body.length === 0) throw new HttpError(400, 'missing_body', 'The webhook has no body');
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(header, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(401, 'invalid_hmac', 'The webhook signature does not match');
  }
  const missing = REQUIRED_HEADERS.filter((name) => !req.get(name));
  if (missing.length > 0) throw new HttpError(400, 'missing_headers', `Missing headers: ${missing.join(', ')}`);
}
