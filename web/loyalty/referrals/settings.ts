// The referral program's settings as the merchant edits them: part of the
// program's settings, saved with program.changed like the rest.
import { parseProgramSettings } from '../domain/program.js';
import { referralSettingsSchema, type ReferralSettings } from '../domain/referrals/settings.js';
import { changeProgram } from '../program-changes.js';
import type { LoyaltyDeps } from '../services.js';

type Deps = Pick<LoyaltyDeps, 'prisma'>;

/** The referral settings (defaults when stored settings no longer parse); null when the shop has no program. */
export async function referralSettings({ prisma }: Deps, shop: string): Promise<ReferralSettings | null> {
  const program = await prisma.program.findUnique({ where: { shop } });
  if (!program) return null;
  const parsed = parseProgramSettings(program.settings);
  return parsed.ok ? parsed.value.referrals : referralSettingsSchema.parse({});
}

/**
 * Replaces the referral settings. 'unknown-reward' when the referrer's reward
 * is not one of the shop's own; 'no-program' before onboarding.
 */
export async function saveReferralSettings({ prisma }: Deps, shop: string, settings: ReferralSettings, actor: string | null | undefined) {
  const rewardId = settings.referrerRewardId;
  if (rewardId && !(await prisma.reward.findFirst({ where: { id: rewardId, shop, system: false } }))) return 'unknown-reward' as const;
  const program = await prisma.program.findUnique({ where: { shop } });
  if (!program) return 'no-program' as const;
  await changeProgram(prisma, shop, 'referrals', actor, (tx) =>
    tx.program.update({ where: { shop }, data: { settings: { ...(program.settings as object), referrals: settings } } }),
  );
  return settings;
}
