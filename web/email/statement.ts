// The monthly statement (messages/monthly-statement.ts) to every member of a shop, as one run per shop and month
// (EmailRun: shop, key, cause = the month "YYYY-MM" in the shop's time zone).
//
// A run walks the shop's members in id order, BATCH at a time. Each batch is one transaction that
//   1. locks the run row and reads its cursor (the last member id recorded),
//   2. reads the next members after it, their tier progress (one grouped query) and their last paced email (one),
//   3. records their EmailSend rows with one INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING,
//   4. moves the cursor and adds what it recorded to `queued`.
// Memory holds one batch. A process that stops mid-run leaves the cursor at the last committed batch; the next run of
// the job continues after it, and a batch recorded twice (a crash after the INSERT, before the COMMIT, rolls both
// back) finds its rows and records nothing: the unique (shop, memberId, key, cause) is the last word, so a member gets
// one statement a month however often the run restarts. Sending is the send job's (web/email/sender.ts), which
// drains the queued rows concurrently over the pooled SMTP transport.
//
// Good manners: the statement is a reminder, so each row's notBefore is the frequency cap and send window's answer
// (schedule.ts, as recordEmail computes it for one member), and the suppression rules (sends.ts) decide who is
// recorded `suppressed` instead. The figures are those of the moment the row is recorded, which is what a statement
// is: the balance on the first of the month.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { pgSql, transaction, type Sql } from '../db/sql.js';
import { formatMoneyIn } from '../loyalty/domain/money.js';
import { wallClock } from '../loyalty/domain/time.js';
import { qualifyProgress } from '../loyalty/domain/tiers/qualify.js';
import type { LoadedProgram } from '../loyalty/program.js';
import { sumProgress, tierSetup } from '../loyalty/tiers.js';
import { emailLocale, emailMessage, type EmailLocale } from './messages/index.js';
import { isPaced, pacedSendTime } from './schedule.js';
import { suppression } from './sends.js';
import { messageEnabled, shopEmailSettings } from './settings.js';

export const STATEMENT_KEY = 'monthly_statement';
/** Members recorded per transaction. */
export const STATEMENT_BATCH = 1000;
const DAY_MS = 86_400_000;

/** The month a statement run at `now` is for, in the shop's time zone ("2026-12"), and whether it is its first day. */
export function statementMonth(now: Date, timeZone: string): { month: string; firstDay: boolean; date: string } {
  const w = wallClock(now, timeZone);
  const month = `${w.year}-${String(w.month).padStart(2, '0')}`;
  return { month, firstDay: w.day === 1, date: `${month}-${String(w.day).padStart(2, '0')}` };
}

const UNITS: Record<
  EmailLocale,
  { points: Partial<Record<Intl.LDMLPluralRule, string>>; orders: Partial<Record<Intl.LDMLPluralRule, string>> }
> = {
  en: { points: { one: 'point', other: 'points' }, orders: { one: 'order', other: 'orders' } },
  fr: { points: { one: 'point', other: 'points' }, orders: { one: 'commande', other: 'commandes' } },
  de: { points: { one: 'Punkt', other: 'Punkte' }, orders: { one: 'Bestellung', other: 'Bestellungen' } },
  es: { points: { one: 'punto', other: 'puntos' }, orders: { one: 'pedido', other: 'pedidos' } },
  pl: { points: { other: 'pkt' }, orders: { one: 'zamówienie', few: 'zamówienia', many: 'zamówień', other: 'zamówienia' } },
  'zh-CN': { points: { other: '积分' }, orders: { other: '笔订单' } },
};
const plurals = new Map<EmailLocale, Intl.PluralRules>();

/** What the next tier still needs, in the policy's basis and the member's language: "120 points", "€45.00", "2 orders". */
export function tierNeeded(amount: number, basis: string, locale: EmailLocale, currency: string): string {
  if (basis === 'amount-spent') return formatMoneyIn(amount, currency, locale);
  let rules = plurals.get(locale);
  if (!rules) plurals.set(locale, (rules = new Intl.PluralRules(locale)));
  const words = UNITS[locale][basis === 'orders' ? 'orders' : 'points'];
  const word = words[rules.select(amount)] ?? words.other!;
  return `${amount} ${word}`;
}

const months = new Map<string, string>();
/** "December 2026" in the member's language. */
export function monthName(month: string, locale: EmailLocale): string {
  const key = `${month}:${locale}`;
  let name = months.get(key);
  if (!name) {
    const [y, m] = month.split('-').map(Number) as [number, number];
    name = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
    months.set(key, name);
  }
  return name;
}

export interface StatementReward {
  id: string;
  name: string;
  cost: number;
  tierIds: string[];
  segmentIds: string[];
}

/** What the balance buys: up to 3 rewards it covers (dearest first), how many, and the cheapest it does not cover yet. */
export function rewardsFor(points: number, rewards: readonly StatementReward[], tierId: string | null, segments: ReadonlySet<string>) {
  const open = rewards.filter(
    (r) =>
      (r.tierIds.length === 0 || (tierId !== null && r.tierIds.includes(tierId))) &&
      (r.segmentIds.length === 0 || r.segmentIds.some((s) => segments.has(s))),
  );
  const affordable = open.filter((r) => r.cost <= points).sort((a, b) => b.cost - a.cost);
  const closest = open.filter((r) => r.cost > points).sort((a, b) => a.cost - b.cost)[0] ?? null;
  return {
    affordable: affordable.slice(0, 3).map((r) => ({ name: r.name, cost: r.cost })),
    affordable_count: affordable.length,
    closest: closest ? { name: closest.name, cost: closest.cost, needed: closest.cost - points } : null,
  };
}

interface Run {
  id: string;
  shop: string;
  cause: string;
  status: string;
  cursor: string | null;
  queued: number;
  total: number;
}

/**
 * Starts the shop's run for `month` unless it exists (then returns the existing one, whatever its state). Its total
 * is the shop's members or, with an audience (statementAudienceSegmentId), the segment's members as last computed.
 */
export async function startStatementRun(sql: Sql, shop: string, month: string): Promise<Run> {
  const audience = (await shopEmailSettings(sql, shop)).statementAudienceSegmentId ?? null;
  await sql.$executeRaw`
    INSERT INTO "EmailRun" (id, shop, key, cause, status, total)
    VALUES (${randomUUID()}, ${shop}, ${STATEMENT_KEY}, ${month}, 'running',
            (SELECT count(*)::int FROM "Member" m WHERE m.shop = ${shop}
               AND (${audience}::text IS NULL OR EXISTS (SELECT 1 FROM "SegmentMember" sm
                    WHERE sm."segmentId" = ${audience}::text AND sm."memberId" = m.id AND sm.shop = m.shop))))
    ON CONFLICT (shop, key, cause) DO NOTHING`;
  const [run] = await sql.$queryRaw<Run[]>`
    SELECT id, shop, cause, status, cursor, queued, total FROM "EmailRun" WHERE shop = ${shop} AND key = ${STATEMENT_KEY} AND cause = ${month}`;
  return run!;
}

interface MemberRow {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
  redactedAt: Date | null;
  emailUndeliverableAt: Date | null;
  emailMarketingState: string | null;
  pointsAvailable: number;
  pointsPending: number;
  tierId: string | null;
  tierReachedAt: Date | null;
  tierKeptUntil: Date | null;
  manualTierId: string | null;
  manualTierLockedUntil: Date | null;
  unsubscribed: boolean;
}

interface Context {
  program: LoadedProgram;
  shopName: string;
  currency: string;
  rewards: StatementReward[];
  policy: { timeZone: string; window: { start: string; end: string }; capDays: number };
  /** Only this segment's members (SegmentMember's segment id); null: every member. */
  audience: string | null;
}

async function runContext(sql: Sql, program: LoadedProgram): Promise<Context> {
  const shop = program.shop;
  const [facts] = await sql.$queryRaw<Array<{ name: string | null; currencyCode: string | null }>>`
    SELECT name, "currencyCode" FROM "Shop" WHERE domain = ${shop}`;
  const rewards = await sql.$queryRaw<StatementReward[]>`
    SELECT id, name, COALESCE((config->>'pointsCost')::bigint, (config->>'minPoints')::bigint)::float8 AS cost,
           "tierIds", "segmentIds"
    FROM "Reward" WHERE shop = ${shop} AND enabled AND NOT system
      AND COALESCE((config->>'pointsCost')::bigint, (config->>'minPoints')::bigint) IS NOT NULL`;
  const settings = await shopEmailSettings(sql, shop);
  return {
    program,
    shopName: facts?.name ?? shop,
    currency: facts?.currencyCode ?? 'USD',
    rewards: rewards.map((r) => ({ ...r, cost: Number(r.cost) })),
    policy: { timeZone: settings.timeZone, window: settings.sendWindow, capDays: settings.frequencyCapDays },
    audience: settings.statementAudienceSegmentId ?? null,
  };
}

/**
 * Records one batch of the run (see the top of this file); 'done' once no member is left after the cursor (the run is
 * then marked done), 'stopped' when the run is no longer running.
 */
async function recordBatch(
  pool: pg.Pool,
  runId: string,
  context: Context,
  now: Date,
  batchSize: number,
): Promise<'more' | 'done' | 'stopped'> {
  return transaction(pool, async (sql) => {
    const [run] = await sql.$queryRaw<Run[]>`
      SELECT id, shop, cause, status, cursor, queued, total FROM "EmailRun" WHERE id = ${runId} FOR UPDATE`;
    if (!run || run.status !== 'running') return 'stopped';
    const shop = run.shop;
    const members = await sql.$queryRaw<MemberRow[]>`
      SELECT m.id, m.email, m."firstName", m."lastName", m.locale, m."redactedAt", m."emailUndeliverableAt", m."emailMarketingState",
             m."pointsAvailable", m."pointsPending", m."tierId", m."tierReachedAt", m."tierKeptUntil", m."manualTierId",
             m."manualTierLockedUntil",
             EXISTS (SELECT 1 FROM "EmailUnsubscribe" u
                     WHERE u.shop = m.shop AND u."memberId" = m.id AND u.category = 'reminder') AS unsubscribed
      FROM "Member" m
      WHERE m.shop = ${shop} AND m.id > ${run.cursor ?? ''}
        -- The audience (null: every member), set-based on SegmentMember's key (segmentId, memberId).
        AND (${context.audience}::text IS NULL OR EXISTS (SELECT 1 FROM "SegmentMember" sm
             WHERE sm."segmentId" = ${context.audience}::text AND sm."memberId" = m.id AND sm.shop = m.shop))
      ORDER BY m.id LIMIT ${batchSize}`;
    if (members.length === 0) {
      await sql.$executeRaw`
        UPDATE "EmailRun" SET status = 'done', "finishedAt" = ${now}, total = GREATEST(total, queued) WHERE id = ${runId}`;
      return 'done';
    }
    const ids = members.map((m) => m.id);
    const { program } = context;
    const setup = tierSetup(program);
    const progress = program.tiers.length > 0 ? await sumProgress(sql, setup, now, ids) : new Map<string, number>();
    const segmentRewards = context.rewards.some((r) => r.segmentIds.length > 0);
    const segments = new Map<string, Set<string>>();
    if (segmentRewards) {
      const rows = await sql.$queryRaw<Array<{ memberId: string; segmentId: string }>>`
        SELECT "memberId", "segmentId" FROM "SegmentMember" WHERE shop = ${shop} AND "memberId" = ANY(${ids}::text[])`;
      for (const r of rows) segments.set(r.memberId, (segments.get(r.memberId) ?? new Set()).add(r.segmentId));
    }
    // schedule.ts's lastPacedSend for the whole batch: the latest reminder or marketing email sent, being sent or due.
    const capHorizon = new Date(now.getTime() + context.policy.capDays * DAY_MS);
    const paced = new Map(
      (
        await sql.$queryRaw<Array<{ memberId: string; at: Date | null }>>`
          SELECT "memberId", max(CASE WHEN status = 'sent' THEN COALESCE("sentAt", "createdAt")
                                      WHEN status = 'sending' THEN ${now}::timestamp
                                      ELSE "notBefore" END) AS at
          FROM "EmailSend"
          WHERE shop = ${shop} AND "memberId" = ANY(${ids}::text[]) AND category IN ('reminder', 'marketing')
            AND status IN ('queued', 'sending', 'sent') AND "notBefore" <= ${capHorizon}
          GROUP BY "memberId"`
      ).map((r) => [r.memberId, r.at]),
    );

    const sorted = [...program.tiers].sort((a, b) => a.threshold - b.threshold);
    const basis = program.settings.tierPolicy.basis;
    const asOf = statementMonth(now, context.policy.timeZone).date;
    const rows = { id: [] as string[], member: [] as string[], to: [] as string[], locale: [] as string[] };
    const more = { status: [] as string[], reason: [] as (string | null)[], data: [] as string[], notBefore: [] as string[] };
    for (const m of members) {
      const reason = suppression({ ...m, tierName: null }, 'reminder');
      const locale = emailLocale(m.locale);
      let data: object = {};
      let notBefore = now;
      if (!reason) {
        const points = Number(m.pointsAvailable);
        let tier: object = { name: null, next: null, needed: null };
        if (sorted.length > 0) {
          const state = {
            current: m.tierId && m.tierReachedAt ? { tierId: m.tierId, reachedAt: m.tierReachedAt } : null,
            manual: m.manualTierId ? { tierId: m.manualTierId, lockedUntil: m.manualTierLockedUntil } : null,
          };
          const got = progress.get(m.id) ?? 0;
          const q = qualifyProgress(got, state, sorted, setup.policy, now, setup.timeZone);
          // As the member page and the widget show it (loyalty/tiers.ts memberTier): the stored tier, and the one above it.
          const held = sorted.find((t) => t.id === m.tierId) ?? sorted.find((t) => t.id === q.tier.id)!;
          const next = sorted[sorted.indexOf(held) + 1] ?? null;
          tier = {
            name: held.name,
            next: next?.name ?? null,
            needed: next ? tierNeeded(Math.max(0, next.threshold - got), basis, locale, context.currency) : null,
          };
        }
        const tierName = sorted.find((t) => t.id === m.tierId)?.name ?? '';
        data = {
          statement: { month: monthName(run.cause, locale), date: asOf },
          rewards: rewardsFor(points, context.rewards, m.tierId, segments.get(m.id) ?? new Set()),
          tier,
          shop: { name: context.shopName },
          member: {
            first_name: m.firstName ?? '',
            last_name: m.lastName ?? '',
            email: m.email,
            points,
            pending_points: Number(m.pointsPending),
            tier: tierName,
          },
        };
        if (isPaced('reminder')) notBefore = pacedSendTime(now, context.policy, paced.get(m.id) ?? null);
      }
      rows.id.push(randomUUID());
      rows.member.push(m.id);
      rows.to.push(reason ? '' : m.email!);
      rows.locale.push(locale);
      more.status.push(reason ? 'suppressed' : 'queued');
      more.reason.push(reason);
      more.data.push(JSON.stringify(data));
      more.notBefore.push(notBefore.toISOString());
    }
    const recorded = await sql.$executeRaw`
      INSERT INTO "EmailSend" (id, shop, "memberId", key, category, cause, "to", locale, status, reason, data, "notBefore")
      SELECT v.id, ${shop}, v.member, ${STATEMENT_KEY}, 'reminder', ${run.cause}, v."to", v.locale, v.status, v.reason, v.data::jsonb,
             (v.not_before::timestamptz AT TIME ZONE 'UTC')
      FROM unnest(${rows.id}::text[], ${rows.member}::text[], ${rows.to}::text[], ${rows.locale}::text[],
                  ${more.status}::text[], ${more.reason}::text[], ${more.data}::text[], ${more.notBefore}::text[])
           AS v(id, member, "to", locale, status, reason, data, not_before)
      ON CONFLICT (shop, "memberId", key, cause) DO NOTHING`;
    await sql.$executeRaw`
      UPDATE "EmailRun" SET cursor = ${ids[ids.length - 1]!}, queued = queued + ${recorded} WHERE id = ${runId}`;
    return 'more';
  });
}

export interface RunOptions {
  now?: Date;
  batchSize?: number;
  /** Stops after this many batches (tests: a process that stops mid-run). */
  maxBatches?: number;
}

/** Records the run's remaining batches (from its cursor) until every member has a row, or `maxBatches`. */
export async function continueStatementRun(
  pool: pg.Pool,
  program: LoadedProgram,
  runId: string,
  options: RunOptions = {},
): Promise<'done' | 'stopped' | 'more'> {
  const sql = pgSql(pool);
  const context = await runContext(sql, program);
  try {
    for (let batches = 0; ; batches++) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) return 'more';
      const outcome = await recordBatch(pool, runId, context, options.now ?? new Date(), options.batchSize ?? STATEMENT_BATCH);
      if (outcome !== 'more') return outcome;
    }
  } catch (error) {
    // The run stays `running` (the next job continues it); the admin sees the last error.
    await sql.$executeRaw`UPDATE "EmailRun" SET error = ${String((error as Error).message ?? error).slice(0, 500)} WHERE id = ${runId}`;
    throw error;
  }
}

/**
 * The monthly-statements job: for each shop that switched the statement on, on the first day of its month (shop time),
 * starts that month's run; and continues every run still `running` (one a stopped process left). A shop that switches
 * the statement on mid-month gets its first on the next first.
 */
export async function monthlyStatements(
  deps: { pool: pg.Pool; programs: { get(shop: string): Promise<LoadedProgram | null> } },
  options: RunOptions = {},
): Promise<Array<{ shop: string; month: string; outcome: string }>> {
  const sql = pgSql(deps.pool);
  const now = options.now ?? new Date();
  const results: Array<{ shop: string; month: string; outcome: string }> = [];
  const shops = await sql.$queryRaw<Array<{ shop: string; timeZone: string | null }>>`
    SELECT s.domain AS shop, s."ianaTimezone" AS "timeZone" FROM "EmailMessage" e JOIN "Shop" s ON s.domain = e.shop
    WHERE e.key = ${STATEMENT_KEY} AND e.enabled AND s."uninstalledAt" IS NULL`;
  for (const { shop, timeZone } of shops) {
    const { month, firstDay } = statementMonth(now, timeZone ?? 'UTC');
    if (firstDay) await startStatementRun(sql, shop, month);
  }
  const running = await sql.$queryRaw<Array<{ id: string; shop: string; cause: string }>>`
    SELECT id, shop, cause FROM "EmailRun" WHERE key = ${STATEMENT_KEY} AND status = 'running' ORDER BY "startedAt"`;
  for (const run of running) {
    // Switched off (or uninstalled) mid-run: the run stops where it is; nothing more is recorded.
    const program = await deps.programs.get(run.shop);
    if (!program || !(await messageEnabled(sql, run.shop, STATEMENT_KEY)) || !emailMessage(STATEMENT_KEY)) {
      await sql.$executeRaw`
        UPDATE "EmailRun" SET status = 'failed', "finishedAt" = ${now}, error = 'stopped: the monthly statement was switched off'
        WHERE id = ${run.id} AND status = 'running'`;
      results.push({ shop: run.shop, month: run.cause, outcome: 'stopped' });
      continue;
    }
    results.push({
      shop: run.shop,
      month: run.cause,
      outcome: await continueStatementRun(deps.pool, program, run.id, { ...options, now }),
    });
  }
  return results;
}

/** The admin's progress of the shop's latest runs: members recorded of the total, and where their emails are. */
export async function statementRuns(deps: { pool: pg.Pool }, shop: string) {
  const sql = pgSql(deps.pool);
  const runs = await sql.$queryRaw<
    Array<{
      id: string;
      key: string;
      cause: string;
      status: string;
      total: number;
      queued: number;
      error: string | null;
      startedAt: Date;
      finishedAt: Date | null;
    }>
  >`
    SELECT id, key, cause, status, total, queued, error, "startedAt", "finishedAt" FROM "EmailRun"
    WHERE shop = ${shop} ORDER BY "startedAt" DESC LIMIT 3`;
  const out = [];
  for (const run of runs) {
    const counts = await sql.$queryRaw<Array<{ status: string; n: number }>>`
      SELECT status, count(*)::int AS n FROM "EmailSend" WHERE shop = ${shop} AND key = ${run.key} AND cause = ${run.cause} GROUP BY status`;
    const n = (s: string) => counts.find((c) => c.status === s)?.n ?? 0;
    out.push({
      key: run.key,
      month: run.cause,
      status: run.status,
      total: run.total,
      recorded: run.queued,
      sent: n('sent'),
      waiting: n('queued') + n('sending'),
      suppressed: n('suppressed'),
      bounced: n('bounced'),
      failed: n('failed'),
      error: run.error,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
    });
  }
  return { runs: out };
}
