// The program as the merchant sets it up: onboarding's default program in one
// click, settings (with the program's name), the widget's appearance, and the
// onboarding checklist's marks. Configuration CRUD on Prisma; a change to what
// the engine or the storefront reads commits with program.changed.
import type { ProgramSettings } from './domain/program.js';
import type { WidgetSettings } from './domain/widget.js';
import { createDefaultProgram } from './program.js';
import { changeProgram } from './program-changes.js';
import type { LoyaltyDeps } from './services.js';

type Deps = Pick<LoyaltyDeps, 'prisma'>;
type Actor = string | null | undefined;

/** The shop (name, currency, time zone) and its program's row (null before onboarding). */
export async function programOverview({ prisma }: Deps, shop: string) {
  const [program, shopRow] = await Promise.all([
    prisma.program.findUnique({ where: { shop } }),
    prisma.shop.findUniqueOrThrow({
      where: { domain: shop },
      select: { domain: true, name: true, currencyCode: true, ianaTimezone: true },
    }),
  ]);
  return { shop: shopRow, program };
}

/** Onboarding: the default program (earn rules, rewards and tiers included); 'exists' when the shop has one. */
export async function setUpProgram({ prisma }: Deps, shop: string, name: string, actor: Actor) {
  if (await prisma.program.findUnique({ where: { shop }, select: { shop: true } })) return 'exists' as const;
  await changeProgram(prisma, shop, 'program', actor, (tx) => createDefaultProgram(tx, shop, name));
  return prisma.program.findUniqueOrThrow({ where: { shop } });
}

/** Saves name, on/off and settings; null when the shop has no program yet. */
export async function saveProgramSettings(
  { prisma }: Deps,
  shop: string,
  input: { name: string; enabled: boolean; settings: ProgramSettings },
  actor: Actor,
) {
  const updated = await changeProgram(prisma, shop, 'settings', actor, (tx) =>
    tx.program.updateMany({ where: { shop }, data: { name: input.name, enabled: input.enabled, settings: input.settings } }),
  );
  if (updated.count === 0) return null;
  return prisma.program.findUniqueOrThrow({ where: { shop } });
}

/** Saves the widget's appearance (the storefront reads it through the program cache); false without a program. */
export async function saveWidgetSettings({ prisma }: Deps, shop: string, widget: WidgetSettings, actor: Actor): Promise<boolean> {
  const updated = await changeProgram(prisma, shop, 'widget', actor, (tx) => tx.program.updateMany({ where: { shop }, data: { widget } }));
  return updated.count > 0;
}

/**
 * Marks an onboarding step done for every admin of the shop, once: the owner
 * opened the theme editor ('embedOpenedAt') or finished the checklist
 * ('onboardedAt'). `first` says whether this call marked it; null without a program.
 */
export async function markOnboardingStep({ prisma }: Deps, shop: string, step: 'embedOpenedAt' | 'onboardedAt') {
  const updated = await prisma.program.updateMany({ where: { shop, [step]: null }, data: { [step]: new Date() } });
  const program = await prisma.program.findUnique({ where: { shop } });
  return program && { program, first: updated.count === 1 };
}
