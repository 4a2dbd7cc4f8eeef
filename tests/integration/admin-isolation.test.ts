// Shop B cannot read or change shop A through any admin endpoint. The routes
// are read from the admin router itself, so an endpoint added later is tested
// without anyone remembering to: a route with an :id nobody mapped fails here.
import type { Router } from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { adminRoutes } from '../../web/routes/admin/index.js';
import { useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';

const SHOP_B = 'intruder.myshopify.com';

interface Endpoint {
  method: string;
  path: string;
}

/** Every method + path registered on an Express router, nested routers included. */
function endpoints(router: Router, prefix = ''): Endpoint[] {
  const found: Endpoint[] = [];
  for (const layer of router.stack as unknown as Array<{
    route?: { path: string; methods: Record<string, boolean> };
    handle: { stack?: unknown };
  }>) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) found.push({ method: method.toUpperCase(), path: prefix + layer.route.path });
    } else if (Array.isArray(layer.handle.stack)) {
      found.push(...endpoints(layer.handle as unknown as Router, prefix));
    }
  }
  return found;
}

/** What shop A holds, as far as any admin endpoint could change it. */
async function snapshotOfA() {
  const p = app.prisma;
  const where = { shop: DEV_SHOP };
  return JSON.stringify(
    await Promise.all([
      p.program.findUnique({ where, select: { name: true, enabled: true, settings: true, widget: true, onboardedAt: true } }),
      p.earnRule.findMany({
        where,
        orderBy: { id: 'asc' },
        select: { id: true, name: true, config: true, enabled: true, startsAt: true, endsAt: true },
      }),
      p.campaign.findMany({ where, orderBy: { id: 'asc' } }),
      p.reward.findMany({
        where,
        orderBy: { id: 'asc' },
        select: { id: true, name: true, config: true, enabled: true, tierIds: true, limitPerMember: true },
      }),
      p.member.findMany({
        where,
        orderBy: { id: 'asc' },
        select: { id: true, email: true, pointsAvailable: true, pointsPending: true, lifetimeEarned: true, lifetimeRedeemed: true },
      }),
      p.pointEntry.count({ where }),
      p.redemption.findMany({ where, orderBy: { id: 'asc' }, select: { id: true, status: true, error: true } }),
      p.storeCreditDebit.findMany({ where, orderBy: { id: 'asc' }, select: { id: true, status: true, error: true, debitedMinor: true } }),
      p.order.findMany({ where, orderBy: { id: 'asc' }, select: { id: true, pointsReleasedAt: true } }),
      p.complianceRequest.count({ where }),
      p.referral.findMany({ where, orderBy: { id: 'asc' }, select: { id: true, status: true, reviewedBy: true, rewardPoints: true } }),
      p.eventDelivery.findMany({ where, orderBy: { id: 'asc' }, select: { id: true, status: true, attempts: true } }),
      p.emailMessage.findMany({ where, orderBy: { key: 'asc' }, select: { key: true, enabled: true, templates: true } }),
      p.emailSend.findMany({ where, orderBy: { id: 'asc' }, select: { id: true, status: true } }),
      p.segment.findMany({ where, orderBy: { id: 'asc' }, select: { id: true, name: true, rules: true, syncToShopify: true } }),
      p.segmentGift.findMany({ where, orderBy: { id: 'asc' } }),
      p.surveyResponse.findMany({ where, orderBy: { id: 'asc' }, select: { id: true, handledAt: true } }),
      p.survey.findMany({
        where,
        orderBy: { id: 'asc' },
        select: { id: true, name: true, status: true, content: true, trigger: true, pointsForAnswer: true },
      }),
      p.surveyInvite.findMany({ where, orderBy: { id: 'asc' }, select: { id: true, memberId: true, period: true } }),
    ]),
  );
}

const app = useTestApp();
beforeAll(async () => {
  await app.prisma.shop.create({ data: { domain: SHOP_B, name: 'Intruder' } });
  await adminApi(app.url, SHOP_B)('POST', '/program', { name: 'B' });
  const a = adminApi(app.url);
  await a('POST', '/campaigns', { name: 'A weekend', multiplier: '2', startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-03T00:00:00Z' });
  await app.prisma.complianceRequest.create({
    data: { shop: DEV_SHOP, topic: 'CUSTOMERS_DATA_REQUEST', customerId: 'gid://shopify/Customer/1', export: { secret: 'of A' } },
  });
  const referrer = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP } });
  // A referral held for review: the kind an admin approves or rejects.
  await app.prisma.referral.create({
    data: {
      shop: DEV_SHOP,
      referrerId: referrer.id,
      code: 'AREFCODE',
      status: 'BLOCKED',
      reason: 'self-referral',
      friendEmail: 'friend-of-a@example.com',
    },
  });
  // An email A sent its member, and A's switch for one message.
  const recipient = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP, email: { not: null } } });
  await app.prisma.emailSend.create({
    data: {
      shop: DEV_SHOP,
      memberId: recipient.id,
      key: 'welcome',
      category: 'account',
      cause: 'of A',
      to: 'mail-of-a@example.com',
      locale: 'en',
    },
  });
  await app.prisma.emailMessage.create({ data: { shop: DEV_SHOP, key: 'welcome', enabled: true } });
  // A store credit and a debit whose answers Shopify lost: the kind an admin reviews.
  const credit = await app.prisma.reward.create({
    data: { shop: DEV_SHOP, type: 'store-credit', name: 'Credit of A', config: { pointsCost: 1, amountMinor: 100 } },
  });
  await app.prisma.redemption.create({
    data: {
      shop: DEV_SHOP,
      memberId: referrer.id,
      rewardId: credit.id,
      points: 0,
      valueMinor: 100,
      currencyCode: 'USD',
      idempotencyKey: 'review-of-a',
      status: 'NEEDS_REVIEW',
    },
  });
  await app.prisma.storeCreditDebit.create({
    data: {
      shop: DEV_SHOP,
      memberId: referrer.id,
      orderId: 'gid://shopify/Order/1',
      amountMinor: 100,
      debitedMinor: 100,
      currencyCode: 'USD',
      idempotencyKey: 'debit-of-a',
      status: 'NEEDS_REVIEW',
    },
  });
  // A reaction of A's that failed: the kind an admin retries from the Activity page.
  const event = await app.prisma.event.create({
    data: { shop: DEV_SHOP, memberId: referrer.id, type: 'points.adjusted', cause: 'admin:a', data: { of: 'A' }, dispatchedAt: new Date() },
  });
  await app.prisma.eventDelivery.create({
    data: {
      eventId: event.id,
      shop: DEV_SHOP,
      memberId: referrer.id,
      seq: event.seq,
      subscriber: 'test/of-a',
      status: 'failed',
      attempts: 8,
      lastError: 'failure of A',
    },
  });
});

describe('admin API isolation between shops', () => {
  it("answers shop B as if shop A's records did not exist, for every registered endpoint, and changes nothing of A", async () => {
    const router = adminRoutes({
      prisma: app.prisma,
      programs: app.programs,
      pool: app.db.pool,
      admin: null,
      jobs: { enqueue: async () => null },
    } as never);
    const all = endpoints(router);
    expect(all.length).toBeGreaterThan(15);

    const p = app.prisma;
    const member = await p.member.findFirstOrThrow({ where: { shop: DEV_SHOP, email: { not: null } } });
    const order = await p.order
      .findFirstOrThrow({ where: { shop: DEV_SHOP, pointsReleasedAt: null, pointsAwarded: { gt: 0 } } })
      .catch(() => p.order.findFirstOrThrow({ where: { shop: DEV_SHOP } }));
    // The record of A each :id route is pointed at.
    const idOfA: Record<string, string> = {
      members: member.id,
      rewards: (await p.reward.findFirstOrThrow({ where: { shop: DEV_SHOP } })).id,
      'earn-rules': (await p.earnRule.findFirstOrThrow({ where: { shop: DEV_SHOP } })).id,
      campaigns: (await p.campaign.findFirstOrThrow({ where: { shop: DEV_SHOP } })).id,
      'compliance-requests': (await p.complianceRequest.findFirstOrThrow({ where: { shop: DEV_SHOP } })).id,
      referrals: (await p.referral.findFirstOrThrow({ where: { shop: DEV_SHOP } })).id,
      redemptions: (await p.redemption.findFirstOrThrow({ where: { shop: DEV_SHOP, status: 'NEEDS_REVIEW' } })).id,
      'store-credit-debits': (await p.storeCreditDebit.findFirstOrThrow({ where: { shop: DEV_SHOP } })).id,
      // POST /events/deliveries/:id/retry
      events: (await p.eventDelivery.findFirstOrThrow({ where: { shop: DEV_SHOP, status: 'failed' } })).id,
      // GET/PUT/DELETE /segments/:id and /segments/:id/members: a rule segment of A's.
      segments: (
        await p.segment.create({
          data: {
            shop: DEV_SHOP,
            handle: 'of-a',
            name: 'Segment of A',
            rules: { all: [{ field: 'pointsAvailable', op: 'gte', value: 0 }] },
          },
        })
      ).id,
      // GET /imports/:id, POST /imports/:id/undo: a finished member import of A's.
      imports: (await p.import.create({ data: { shop: DEV_SHOP, kind: 'members', status: 'done' } })).id,
      // /surveys/:id/responses(.csv): a survey of A's.
      surveys: (await p.survey.create({ data: { shop: DEV_SHOP, type: 'nps', name: 'Survey of A' } })).id,
    };
    // Routes whose :id is not their resource's: GET /segments/gifts/:id, a gift of A's.
    const idOfPath: Record<string, string> = {
      // POST /surveys/responses/:id/handled: an answer of A's to A's survey, with a comment of A's.
      '/surveys/responses/:id/handled': (
        await p.surveyResponse.create({
          data: {
            shop: DEV_SHOP,
            surveyId: idOfA.surveys!,
            respondent: `member:${member.id}`,
            memberId: member.id,
            period: 0,
            answers: { nps: 3 },
            comment: 'comment of A',
            channel: 'widget',
            isMember: true,
          },
        })
      ).id,
      '/segments/gifts/:id': (
        await p.segmentGift.create({ data: { shop: DEV_SHOP, segmentId: idOfA.segments!, kind: 'points', points: 5, note: 'of A' } })
      ).id,
    };
    // Other path parameters, with values A's own admin could send.
    const otherParams: Record<string, string> = { decision: 'approve', key: 'welcome' };
    // Bodies that would succeed for A's own admin, so a refusal is about the shop, not the input.
    const reward = await p.reward.findFirstOrThrow({ where: { shop: DEV_SHOP } });
    const rule = await p.earnRule.findFirstOrThrow({ where: { shop: DEV_SHOP } });
    const bodies: Record<string, unknown> = {
      'POST /members/:id/adjustments': { points: 1000, reason: 'cross-shop attempt' },
      'POST /members/:id/actions': { ruleId: rule.id },
      'POST /members/:id/redemptions': { rewardId: reward.id },
      'PUT /rewards/:id': { type: reward.type, name: 'Taken over', config: reward.config, enabled: false },
      'PUT /earn-rules/:id': { type: rule.type, name: 'Taken over', config: rule.config, enabled: false },
      'POST /orders/release': { orderId: order.orderId },
      'PUT /program': { name: 'B renamed', settings: {} },
      'POST /rewards': { type: 'fixed-amount', name: 'B reward', config: { pointsCost: 1, amountMinor: 1 } },
      'POST /earn-rules': { type: 'signup', name: 'B rule', config: { points: 1 } },
      'POST /campaigns': { name: 'B', multiplier: '2', startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-02T00:00:00Z' },
      'PUT /program/widget': {},
      'POST /redemptions/:id/review': { outcome: 'credited' },
      'POST /store-credit-debits/:id/review': { outcome: 'debited' },
      'PUT /campaigns/:id': { name: 'Taken over', multiplier: '9', startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-02T00:00:00Z' },
      'PUT /emails/:key': { enabled: false },
      // A's member: B's preview or test as that member must answer 404, not render A's data.
      'POST /emails/:key/preview': { locale: 'en', memberId: member.id },
      'POST /emails/:key/test': { to: 'b-admin@example.com', locale: 'en', memberId: member.id },
      'PUT /emails/settings': { senderName: 'Taken over', postalAddress: 'B street 1' },
      'POST /segments': { name: 'B segment', rules: { all: [] } },
      'POST /segments/preview': { rules: { all: [] } },
      'PUT /segments/:id': { name: 'Taken over', rules: { all: [] } },
      'POST /segments/:id/gifts': { kind: 'points', points: 5 },
      'POST /surveys/responses/:id/handled': { handled: true },
      'PATCH /surveys/:id': { name: 'Taken over', status: 'archived', pointsForAnswer: 1 },
      // B sending A's survey must ask none of A's members.
      'POST /surveys/:id/send': {},
      // B's history import reads B's orders only (its bulk operation runs with B's token).
      'POST /imports/history': { since: '2026-01-01', awardPointsSince: null, preview: false },
    };
    const query: Record<string, string> = {
      '/dashboard': '?from=2020-01-01&to=2020-12-31',
      '/emails/log': `?memberId=${member.id}`,
      '/emails/stats': '?from=2020-01-01&to=2026-12-31',
      '/analytics/summary': '?from=2020-01-01&to=2026-12-31',
      '/analytics/cohorts': '?from=2024-01&to=2026-12',
      '/analytics/trends': '?from=2024-01-01&to=2026-12-31&interval=month',
      '/analytics/tiers': '?from=2020-01-01&to=2026-12-31',
      '/surveys/:id/results': '?from=2020-01-01&to=2022-12-31&interval=week',
    };
    // GET /emails/runs: a monthly statement run of A's (its month and error must not reach B).
    await p.emailRun.create({
      data: {
        shop: DEV_SHOP,
        key: 'monthly_statement',
        cause: '1999-01',
        status: 'failed',
        total: 7,
        queued: 3,
        error: 'stopped: run of A',
      },
    });
    // Strings of A that must never appear in an answer to B.
    const secretsOfA = [
      '1999-01',
      member.id,
      member.email!,
      member.customerId,
      ...Object.values(idOfA),
      ...Object.values(idOfPath),
      'of A',
      order.orderId,
      'AREFCODE',
      'friend-of-a@example.com',
      'failure of A',
      'mail-of-a@example.com',
    ];

    const before = await snapshotOfA();
    const asB = adminApi(app.url, SHOP_B);
    const unmapped: string[] = [];
    for (const { method, path } of all) {
      const key = `${method} ${path}`;
      const resource = path.split('/')[1]!;
      const params = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      if (params.some((name) => (name === 'id' ? !idOfA[resource] : !otherParams[name]))) {
        unmapped.push(key);
        continue;
      }
      const url =
        path.replace(/:(\w+)/g, (_, name: string) => (name === 'id' ? (idOfPath[path] ?? idOfA[resource]!) : otherParams[name]!)) +
        (query[path] ?? '');
      const res = await asB(method, url, bodies[key] ?? (method === 'GET' || method === 'DELETE' ? undefined : {}));
      if (path.includes(':id')) expect([400, 404], `${key} → ${res.status} ${res.text}`).toContain(res.status);
      else expect(res.status, `${key} → ${res.text}`).toBeLessThan(500);
      for (const secret of secretsOfA) expect(res.text, `${key} leaks ${secret}`).not.toContain(secret);
    }
    expect(unmapped, 'routes with an :id this test does not know how to point at shop A').toEqual([]);
    expect(await snapshotOfA()).toBe(before);
  });
});
