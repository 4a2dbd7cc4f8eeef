// Ways to earn (earn rules) and campaigns, as the merchant edits them:
// configuration CRUD on Prisma. Every change commits with its program.changed
// event (changeProgram), whose subscriber drops the program cache, so the
// next order earns by the new rules.
import type { EarnRuleInput } from './domain/forms.js';
import type { Campaign } from './domain/rules/campaigns.js';
import { changeProgram } from './program-changes.js';
import { UnknownReferences } from './rewards.js';
import { unknownSegmentRefs } from '../segments/targeting.js';
import type { LoyaltyDeps } from './services.js';

type Deps = Pick<LoyaltyDeps, 'prisma'>;
type Actor = string | null | undefined;

/** The shop's earn rules (oldest first) and campaigns (latest start first). */
export async function listEarnRules({ prisma }: Deps, shop: string) {
  const [rules, campaigns] = await Promise.all([
    prisma.earnRule.findMany({ where: { shop }, orderBy: { createdAt: 'asc' } }),
    prisma.campaign.findMany({ where: { shop }, orderBy: { startsAt: 'desc' } }),
  ]);
  return { rules, campaigns };
}

export function createEarnRule({ prisma }: Deps, shop: string, input: EarnRuleInput, actor: Actor) {
  return changeProgram(prisma, shop, 'earn-rules', actor, (tx) =>
    tx.earnRule.create({ data: { shop, ...input, config: input.config as object } }),
  );
}

/** Changes a rule; a rule keeps its type ('type-changed'), another shop's rule is 'not-found'. */
export async function updateEarnRule({ prisma }: Deps, shop: string, id: string, input: EarnRuleInput, actor: Actor) {
  const existing = await prisma.earnRule.findFirst({ where: { id, shop } });
  if (!existing) return 'not-found' as const;
  if (existing.type !== input.type) return 'type-changed' as const;
  return changeProgram(prisma, shop, 'earn-rules', actor, (tx) =>
    tx.earnRule.update({ where: { id: existing.id }, data: { ...input, config: input.config as object } }),
  );
}

/** False when the shop has no such rule. */
export async function deleteEarnRule({ prisma }: Deps, shop: string, id: string, actor: Actor): Promise<boolean> {
  const deleted = await changeProgram(prisma, shop, 'earn-rules', actor, (tx) => tx.earnRule.deleteMany({ where: { id, shop } }));
  return deleted.count > 0;
}

/** A campaign for a segment names one of the shop's segments (or an RFM handle): UnknownReferences otherwise. */
async function requireOwnSegment({ prisma }: Deps, shop: string, segmentId: string | null | undefined): Promise<void> {
  if (segmentId && (await unknownSegmentRefs(prisma, shop, [segmentId])).length > 0)
    throw new UnknownReferences({ segmentId: 'not a segment of this shop' });
}

export async function createCampaign(deps: Deps, shop: string, input: Campaign, actor: Actor) {
  await requireOwnSegment(deps, shop, input.segmentId);
  return changeProgram(deps.prisma, shop, 'campaigns', actor, (tx) =>
    tx.campaign.create({ data: { shop, ...input, ruleTypes: input.ruleTypes ?? [], segmentId: input.segmentId ?? null } }),
  );
}

/** Changes a campaign (null: no such campaign). Points already given stay: an order's award is fixed when it is made. */
export async function updateCampaign(deps: Deps, shop: string, id: string, input: Campaign, actor: Actor) {
  await requireOwnSegment(deps, shop, input.segmentId);
  const updated = await changeProgram(deps.prisma, shop, 'campaigns', actor, (tx) =>
    tx.campaign.updateMany({
      where: { id, shop },
      data: { ...input, ruleTypes: input.ruleTypes ?? [], segmentId: input.segmentId ?? null },
    }),
  );
  if (updated.count === 0) return null;
  return deps.prisma.campaign.findFirstOrThrow({ where: { id, shop } });
}

/** False when the shop has no such campaign. */
export async function deleteCampaign({ prisma }: Deps, shop: string, id: string, actor: Actor): Promise<boolean> {
  const deleted = await changeProgram(prisma, shop, 'campaigns', actor, (tx) => tx.campaign.deleteMany({ where: { id, shop } }));
  return deleted.count > 0;
}
