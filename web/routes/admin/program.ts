// The program in the admin API: onboarding creates the default program in one
// click; settings (with the program's name) and the widget's appearance are
// edited with the same zod schemas the admin UI validates with.
import { Router } from 'express';
import { z } from 'zod';
import type { PrismaClient } from '../../db.js';
import { HttpError } from '../../http/errors.js';
import { parseProgramSettings, programNameSchema, type ProgramInfo } from '../../loyalty/domain/program.js';
import { parseWidgetSettings } from '../../loyalty/domain/widget.js';
import { parseWith } from '../../loyalty/domain/validation.js';
import { createDefaultProgram } from '../../loyalty/program.js';
import { changeProgram } from '../../loyalty/program-changes.js';
import { shopOf, valid } from './shared.js';

interface ProgramRow {
  name: string;
  enabled: boolean;
  settings: unknown;
  widget: unknown;
  onboardedAt: Date | null;
  embedOpenedAt: Date | null;
  embedSeenAt: Date | null;
}

function programJson(row: ProgramRow): ProgramInfo {
  // Stored values were checked on the way in; parsing again fills defaults added since.
  return {
    name: row.name,
    enabled: row.enabled,
    settings: valid(parseProgramSettings(row.settings), 'settings'),
    widget: valid(parseWidgetSettings(row.widget), 'widget'),
    onboardedAt: row.onboardedAt?.toISOString() ?? null,
    embedOpenedAt: row.embedOpenedAt?.toISOString() ?? null,
    embedSeenAt: row.embedSeenAt?.toISOString() ?? null,
  };
}

const SettingsInput = z.object({ name: programNameSchema, enabled: z.boolean().default(true), settings: z.unknown() });

export function programRoutes(prisma: PrismaClient): Router {
  const router = Router();

  router.get('/program', async (req, res) => {
    const shop = shopOf(req);
    const [program, shopRow] = await Promise.all([
      prisma.program.findUnique({ where: { shop } }),
      prisma.shop.findUniqueOrThrow({ where: { domain: shop }, select: { domain: true, name: true, currencyCode: true, ianaTimezone: true } }),
    ]);
    res.json({ shop: shopRow, program: program ? programJson(program) : null });
  });

  /** Onboarding: the default program (earn rules and rewards included) in one click. */
  router.post('/program', async (req, res) => {
    const shop = shopOf(req);
    const { name } = valid(parseWith(z.object({ name: programNameSchema.default('Rewards') }), req.body ?? {}));
    if (await prisma.program.findUnique({ where: { shop }, select: { shop: true } })) {
      throw new HttpError(409, 'program_exists', 'This shop already has a program');
    }
    await changeProgram(prisma, shop, 'program', req.userId, (tx) => createDefaultProgram(tx, shop, name));
    res.status(201).json({ program: programJson(await prisma.program.findUniqueOrThrow({ where: { shop } })) });
  });

  router.put('/program', async (req, res) => {
    const shop = shopOf(req);
    const input = valid(parseWith(SettingsInput, req.body));
    const settings = valid(parseProgramSettings(input.settings), 'settings');
    const updated = await changeProgram(prisma, shop, 'settings', req.userId, (tx) =>
      tx.program.updateMany({ where: { shop }, data: { name: input.name, enabled: input.enabled, settings } }),
    );
    if (updated.count === 0) throw new HttpError(404, 'no_program', 'Create the program first');
    res.json({ program: programJson(await prisma.program.findUniqueOrThrow({ where: { shop } })) });
  });

  router.put('/program/widget', async (req, res) => {
    const shop = shopOf(req);
    const widget = valid(parseWidgetSettings(req.body));
    // The storefront reads the widget through the program cache, which program.changed drops.
    const updated = await changeProgram(prisma, shop, 'widget', req.userId, (tx) => tx.program.updateMany({ where: { shop }, data: { widget } }));
    if (updated.count === 0) throw new HttpError(404, 'no_program', 'Create the program first');
    res.json({ widget });
  });

  /** Onboarding's step 2: the owner opened the theme editor to switch the widget on (kept for every admin of the shop). */
  router.post('/program/embed-opened', async (req, res) => {
    const shop = shopOf(req);
    const updated = await prisma.program.updateMany({ where: { shop, embedOpenedAt: null }, data: { embedOpenedAt: new Date() } });
    const program = await prisma.program.findUnique({ where: { shop } });
    if (!program) throw new HttpError(404, 'no_program', 'Create the program first');
    res.status(updated.count === 1 ? 201 : 200).json({ program: programJson(program) });
  });

  /** The merchant finished (or dismissed) the onboarding checklist. */
  router.post('/program/onboarded', async (req, res) => {
    const shop = shopOf(req);
    const updated = await prisma.program.updateMany({ where: { shop, onboardedAt: null }, data: { onboardedAt: new Date() } });
    const program = await prisma.program.findUnique({ where: { shop } });
    if (!program) throw new HttpError(404, 'no_program', 'Create the program first');
    res.status(updated.count === 1 ? 201 : 200).json({ program: programJson(program) });
  });

  return router;
}
