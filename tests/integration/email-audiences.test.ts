// Segment audiences for emails (issue 17): win_back and the monthly statement
// limited to a segment (emailSettings winBackAudienceSegmentId,
// statementAudienceSegmentId). The admin API refuses a segment that is not
// the shop's (400 naming the field); the win-back job picks only lapsed
// members of the segment; the statement run's total and rows are the
// segment's members only. PGlite and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { pgSql } from '../../web/db/sql.js';
import { continueStatementRun, startStatementRun } from '../../web/email/statement.js';
import { emailWinBack } from '../../web/jobs/email-win-back.js';
import { useTestApp } from '../helpers/app.js';
import { adminApi } from '../helpers/admin.js';
import { newCustomer } from '../helpers/orders.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false', TALLY_RATE_LIMITS: 'off' } });
const api = () => adminApi(app.url, DEV_SHOP);
const DAY = 86_400_000;

async function member(tags: string[]) {
  const c = newCustomer('audience');
  return app.prisma.member.create({
    data: { shop: DEV_SHOP, customerId: c.id, email: c.email, tags, emailMarketingState: 'SUBSCRIBED' },
  });
}

/** A rule segment of members tagged `tag` (its members computed on save). */
async function taggedSegment(tag: string): Promise<string> {
  const res = await api()('POST', '/segments', { name: `Tagged ${tag}`, rules: { all: [{ field: 'tags', op: 'contains', value: tag }] } });
  expect(res.status, res.text).toBe(201);
  return res.body.segment.id;
}

const settings = async (body: object) => api()('PUT', '/emails/settings', { sendWindow: { start: '00:00', end: '23:59' }, ...body });

describe('email audiences', () => {
  it("saves a segment of the shop as a message's audience and refuses any other (400 naming the field)", async () => {
    const mine = await taggedSegment(`a-${randomUUID().slice(0, 8)}`);
    const theirs = await app.prisma.segment.create({ data: { shop: 'other-shop.myshopify.com', handle: 'theirs', name: 'Theirs' } });
    const refused = await settings({ winBackAudienceSegmentId: theirs.id, statementAudienceSegmentId: 'seg_not_there' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual({
      winBackAudienceSegmentId: 'not a segment of this shop',
      statementAudienceSegmentId: 'not a segment of this shop',
    });
    const saved = await settings({ winBackAudienceSegmentId: mine, statementAudienceSegmentId: 'champions' });
    expect(saved.status, saved.text).toBe(200);
    const read = (await api()('GET', '/emails/settings')).body.settings;
    // An RFM segment is kept as the admin API names it (rfm:<handle>).
    expect(read).toMatchObject({ winBackAudienceSegmentId: mine, statementAudienceSegmentId: 'rfm:champions' });
    expect((await settings({})).status).toBe(200);
  });

  it("win_back picks only the segment's lapsed members", { timeout: 60_000 }, async () => {
    const tag = `wb-${randomUUID().slice(0, 8)}`;
    const inside = await member([tag]);
    const outside = await member([]);
    const segmentId = await taggedSegment(tag);
    const lapsedAt = new Date(Date.now() - 125 * DAY);
    for (const m of [inside, outside])
      await app.prisma.order.create({
        data: {
          shop: DEV_SHOP,
          orderId: `gid://shopify/Order/${Date.now()}${Math.floor(Math.random() * 1e6)}`,
          memberId: m.id,
          customerKey: m.customerId,
          name: '#1',
          currencyCode: 'USD',
          totalMinor: 1500,
          netSalesMinor: 1500,
          paidAt: lapsedAt,
          processedAt: lapsedAt,
          sourceUpdatedAt: lapsedAt,
        },
      });
    expect((await settings({ postalAddress: '1 Main St, Springfield', winBackAudienceSegmentId: segmentId })).status).toBe(200);
    expect((await api()('PUT', '/emails/win_back', { enabled: true })).status).toBe(200);
    try {
      const result = await emailWinBack({ pool: app.db.pool, programs: app.programs, prisma: app.prisma });
      expect(result.failures).toEqual([]);
      const sends = await app.prisma.emailSend.findMany({ where: { shop: DEV_SHOP, key: 'win_back' }, select: { memberId: true } });
      // The seed's lapsed members are outside the segment too: only the one member.
      expect(sends.map((s) => s.memberId)).toEqual([inside.id]);
      expect(result.queued + result.suppressed).toBe(1);
    } finally {
      await api()('PUT', '/emails/win_back', { enabled: false });
      await settings({});
    }
  });

  it("the monthly statement's total and rows are the segment's members only", { timeout: 60_000 }, async () => {
    const tag = `st-${randomUUID().slice(0, 8)}`;
    const a = await member([tag]);
    const b = await member([tag]);
    await member([]);
    const segmentId = await taggedSegment(tag);
    expect((await settings({ statementAudienceSegmentId: segmentId })).status).toBe(200);
    try {
      const run = await startStatementRun(pgSql(app.db.pool), DEV_SHOP, '2026-08');
      expect(run.total).toBe(2);
      const program = (await app.programs.get(DEV_SHOP))!;
      expect(await continueStatementRun(app.db.pool, program, run.id, { batchSize: 1 })).toBe('done');
      const rows = await app.prisma.emailSend.findMany({ where: { shop: DEV_SHOP, key: 'monthly_statement', cause: '2026-08' } });
      expect(rows.map((r) => r.memberId).sort()).toEqual([a.id, b.id].sort());
      expect((await app.prisma.emailRun.findUniqueOrThrow({ where: { id: run.id } })).queued).toBe(2);
    } finally {
      await settings({});
    }
  });
});
