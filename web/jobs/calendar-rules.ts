// calendar-rules: the earn rules that fire on a date rather than on an event —
// birthday (in the member's birthday month, once a calendar year) and
// membership anniversary (once per anniversary) — judged in the shop's time
// zone. The idempotency key names the rule, the member and the year (birthday)
// or the anniversary's number, so a daily run, a re-run or two workers at once
// award each exactly once. Redacted members and guests get nothing. A
// birthday award emits birthday.reached (its points' own event reviews the tier).
import type { PrismaClient } from '../db.js';
import { transaction } from '../db/sql.js';
import { earn } from '../loyalty/ledger.js';
import { emit } from '../events/emit.js';
import { workUnder } from '../loyalty/working-program.js';
import { creditExpiresAt } from '../loyalty/domain/program.js';
import { evaluateRule, type RuleContext } from '../loyalty/domain/rules/index.js';
import { latestAnniversary } from '../loyalty/domain/rules/anniversary.js';
import { applyCampaigns } from '../loyalty/domain/rules/campaigns.js';
import { campaignsFor } from '../loyalty/segment-campaigns.js';
import { localDate } from '../loyalty/domain/time.js';
import type { LoadedProgram, LoadedRule, Programs } from '../loyalty/program.js';
import { activeShops, BATCH_SIZE, isolated, reportFailures, type Failure } from './batch.js';
import type { JobDeps } from './deps.js';

const DAY_MS = 86_400_000;
const CUSTOMER_GID = 'gid://shopify/Customer/%';

export interface CalendarResult {
  birthdays: number;
  anniversaries: number;
  points: number;
  failures: Failure[];
}

interface Award {
  memberId: string;
  key: string;
  context: RuleContext;
  /** Points the member's VIP tier adds (birthday bonus). */
  bonus?: number;
  /** A birthday award: the member's birthday as MM-DD. */
  birthday?: string;
}

/** Evaluates the rule, applies campaigns and earns, in one short transaction per member. */
async function awardAll(
  prisma: PrismaClient,
  program: LoadedProgram,
  rule: LoadedRule,
  now: Date,
  awards: Award[],
  result: CalendarResult,
) {
  for (const award of awards) {
    const base = evaluateRule(rule, award.context);
    const campaigns = await campaignsFor(prisma, program, award.memberId, now);
    const points = applyCampaigns(base, campaigns, now, rule.type, program.settings.rounding) + (award.bonus ?? 0);
    if (points <= 0) continue;
    await isolated(result.failures, program.shop, award.memberId, async () => {
      const appended = await transaction(prisma, async (tx) => {
        workUnder(tx, program);
        const earned = await earn(tx, {
          shop: program.shop,
          memberId: award.memberId,
          points,
          source: 'RULE',
          sourceId: rule.id,
          reason: rule.name,
          idempotencyKey: award.key,
          createdAt: now,
          expiresAt: creditExpiresAt(now, program.settings.expiry),
        });
        if (earned === 'appended' && award.birthday) {
          await emit(tx, {
            type: 'birthday.reached',
            shop: program.shop,
            memberId: award.memberId,
            cause: award.key,
            at: now,
            data: { birthday: award.birthday },
          });
        }
        return earned;
      });
      if (appended !== 'appended') return;
      if (rule.type === 'birthday') result.birthdays += 1;
      else result.anniversaries += 1;
      result.points += points;
    });
  }
}

/** Members whose birthday month is this month (shop time zone) and who did not get this rule's award this year. */
async function birthdays(prisma: PrismaClient, program: LoadedProgram, rule: LoadedRule, now: Date, result: CalendarResult) {
  const today = localDate(now, program.timeZone);
  const prefix = `birthday:${rule.id}:`;
  const suffix = `:${today.year}`;
  let after = '';
  for (;;) {
    const rows = await prisma.$queryRaw<Array<{ id: string; birthday: Date; tierId: string | null }>>`
      SELECT m.id, m.birthday, m."tierId" FROM "Member" m
      WHERE m.shop = ${program.shop} AND m.id > ${after} AND m."redactedAt" IS NULL AND m."customerId" LIKE ${CUSTOMER_GID}
        AND m.birthday IS NOT NULL AND EXTRACT(MONTH FROM m.birthday) = ${today.month}
        AND NOT EXISTS (SELECT 1 FROM "PointEntry" e WHERE e.shop = m.shop AND e."idempotencyKey" = ${prefix}::text || m.id || ${suffix}::text)
      ORDER BY m.id LIMIT ${BATCH_SIZE}`;
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    const awards = rows.map((m) => ({
      memberId: m.id,
      key: `${prefix}${m.id}${suffix}`,
      context: {
        now,
        timeZone: program.timeZone,
        // A DATE column arrives as UTC midnight.
        member: { birthday: { month: m.birthday.getUTCMonth() + 1, day: m.birthday.getUTCDate() } },
        lastAwardedYear: null,
      },
      bonus: program.tiers.find((t) => t.id === m.tierId)?.perks.birthdayBonus ?? 0,
      birthday: m.birthday.toISOString().slice(5, 10),
    }));
    await awardAll(prisma, program, rule, now, awards, result);
    if (rows.length < BATCH_SIZE) return;
  }
}

/** Members past an anniversary (shop time zone) that this rule has not paid yet. */
async function anniversaries(prisma: PrismaClient, program: LoadedProgram, rule: LoadedRule, now: Date, result: CalendarResult) {
  // Joined at least a year ago, give or take the time zone; the exact date is checked below.
  const joinedBy = new Date(now.getTime() - 364 * DAY_MS);
  let after = '';
  for (;;) {
    const rows = await prisma.$queryRaw<Array<{ id: string; createdAt: Date }>>`
      SELECT id, "createdAt" FROM "Member"
      WHERE shop = ${program.shop} AND id > ${after} AND "redactedAt" IS NULL AND "customerId" LIKE ${CUSTOMER_GID} AND "createdAt" <= ${joinedBy}
      ORDER BY id LIMIT ${BATCH_SIZE}`;
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    const due = rows.flatMap((m) => {
      const latest = latestAnniversary(m.createdAt, now, program.timeZone);
      return latest ? [{ member: m, key: `anniversary:${rule.id}:${m.id}:${latest.years}` }] : [];
    });
    const keys = due.map((d) => d.key);
    const paid = new Set(
      (
        await prisma.$queryRaw<Array<{ key: string }>>`
          SELECT "idempotencyKey" AS key FROM "PointEntry" WHERE shop = ${program.shop} AND "idempotencyKey" = ANY(${keys}::text[])`
      ).map((r) => r.key),
    );
    const awards = due
      .filter((d) => !paid.has(d.key))
      .map((d) => ({
        memberId: d.member.id,
        key: d.key,
        context: { now, timeZone: program.timeZone, member: { memberSince: d.member.createdAt }, lastAwardedYear: null },
      }));
    await awardAll(prisma, program, rule, now, awards, result);
    if (rows.length < BATCH_SIZE) return;
  }
}

/** Awards every shop's birthday and anniversary rules due at `now`. */
export async function awardCalendarRules(prisma: PrismaClient, programs: Programs, now: Date): Promise<CalendarResult> {
  const result: CalendarResult = { birthdays: 0, anniversaries: 0, points: 0, failures: [] };
  for (const shop of await activeShops(prisma)) {
    const program = await programs.get(shop);
    if (!program) continue;
    for (const rule of program.rules) {
      // A rule whose config is broken fails alone; the shop's other rules still run.
      await isolated(result.failures, shop, `rule:${rule.id}`, async () => {
        if (rule.type === 'birthday') await birthdays(prisma, program, rule, now, result);
        else if (rule.type === 'anniversary') await anniversaries(prisma, program, rule, now, result);
      });
    }
  }
  return result;
}

export async function calendarRulesJob(_data: object, { prisma, programs, logger }: JobDeps): Promise<void> {
  const { birthdays: b, anniversaries: a, points, failures } = await awardCalendarRules(prisma, programs, new Date());
  logger.info({ birthdays: b, anniversaries: a, points }, 'awarded calendar rules');
  reportFailures('calendar-rules', failures, logger);
}
