// Campaigns for a segment ("double points for our Champions"): a campaign
// with a segmentId boosts only that segment's members. The engine's earning
// paths resolve the program's campaigns for the member before applying them
// (domain/rules/campaigns.ts never applies an unresolved one): no query at all
// unless a segment campaign is in force at that moment, then one membership
// check for the member (web/segments/targeting.ts) whatever the number of
// segment campaigns. Membership is the member's as it stands before the award
// (an order counts toward a rule segment once it is stored). A rule segment's
// tree comes with the cached program (program.ts), so the check is one
// statement; an edit of the segment's rules reaches earning when the cache
// next loads (at most 5 seconds).
import type { Sql } from '../db/sql.js';
import { inForce, type Campaign } from './domain/rules/campaigns.js';
import type { LoadedProgram } from './program.js';
import { segmentsOfMember, segmentRef } from '../segments/targeting.js';
import type { RuleTree } from '../segments/rules.js';

/** The campaigns as they apply to `memberId` at `at`: a segment campaign kept (as an everyone-campaign) for a member inside it, dropped otherwise. */
export async function campaignsFor(
  sql: Sql,
  program: Pick<LoadedProgram, 'shop' | 'campaigns' | 'timeZone'>,
  memberId: string | null,
  at: Date,
  now = new Date(),
): Promise<Campaign[]> {
  const targeted = program.campaigns.filter((c) => c.segmentId && inForce(c, at));
  if (targeted.length === 0 || !memberId) return program.campaigns.filter((c) => !c.segmentId);
  // The program brought the rule segments' trees and the time zone: the check is one statement.
  const known = {
    timeZone: program.timeZone,
    rules: new Map(targeted.flatMap((c) => (c.segmentRules ? [[segmentRef(c.segmentId!), c.segmentRules as RuleTree] as const] : []))),
  };
  const inside = await segmentsOfMember(
    sql,
    program.shop,
    memberId,
    targeted.map((c) => c.segmentId!),
    now,
    known,
  );
  return program.campaigns.flatMap((c) =>
    !c.segmentId ? [c] : targeted.includes(c) && inside.has(segmentRef(c.segmentId)) ? [{ ...c, segmentId: null }] : [],
  );
}

/** The program with its campaigns resolved for the member (the same program when no segment campaign is in force). */
export async function programFor<P extends Pick<LoadedProgram, 'shop' | 'campaigns' | 'timeZone'>>(
  sql: Sql,
  program: P,
  memberId: string | null,
  at: Date,
): Promise<P> {
  if (!program.campaigns.some((c) => c.segmentId && inForce(c, at))) return program;
  return { ...program, campaigns: await campaignsFor(sql, program, memberId, at) };
}
