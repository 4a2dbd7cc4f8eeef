// The program in the admin API: onboarding creates the default program in one
// click; settings (with the program's name) and the widget's appearance are
// edited with the same zod schemas the admin UI validates with.
import { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { parseProgramSettings, programNameSchema, type ProgramInfo } from '../../loyalty/domain/program.js';
import { parseWidgetSettings } from '../../loyalty/domain/widget.js';
import { parseWith } from '../../loyalty/domain/validation.js';
import {
  markOnboardingStep,
  programOverview,
  saveProgramSettings,
  saveWidgetSettings,
  setUpProgram,
} from '../../loyalty/program-settings.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
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

const noProgram = () => new HttpError(404, 'no_program', 'Create the program first');

const SettingsInput = z.object({ name: programNameSchema, enabled: z.boolean().default(true), settings: z.unknown() });

export function programRoutes(deps: LoyaltyDeps): Router {
  const router = Router();

  router.get('/program', async (req, res) => {
    const { shop, program } = await programOverview(deps, shopOf(req));
    res.json({ shop, program: program ? programJson(program) : null });
  });

  /** Onboarding: the default program (earn rules and rewards included) in one click. */
  router.post('/program', async (req, res) => {
    const { name } = valid(parseWith(z.object({ name: programNameSchema.default('Rewards') }), req.body ?? {}));
    const program = await setUpProgram(deps, shopOf(req), name, req.userId);
    if (program === 'exists') throw new HttpError(409, 'program_exists', 'This shop already has a program');
    res.status(201).json({ program: programJson(program) });
  });

  router.put('/program', async (req, res) => {
    const input = valid(parseWith(SettingsInput, req.body));
    const settings = valid(parseProgramSettings(input.settings), 'settings');
    const program = await saveProgramSettings(deps, shopOf(req), { name: input.name, enabled: input.enabled, settings }, req.userId);
    if (!program) throw noProgram();
    res.json({ program: programJson(program) });
  });

  router.put('/program/widget', async (req, res) => {
    const widget = valid(parseWidgetSettings(req.body));
    if (!(await saveWidgetSettings(deps, shopOf(req), widget, req.userId))) throw noProgram();
    res.json({ widget });
  });

  /** Onboarding's step 2: the owner opened the theme editor to switch the widget on (kept for every admin of the shop). */
  router.post('/program/embed-opened', async (req, res) => {
    const marked = await markOnboardingStep(deps, shopOf(req), 'embedOpenedAt');
    if (!marked) throw noProgram();
    res.status(marked.first ? 201 : 200).json({ program: programJson(marked.program) });
  });

  /** The merchant finished (or dismissed) the onboarding checklist. */
  router.post('/program/onboarded', async (req, res) => {
    const marked = await markOnboardingStep(deps, shopOf(req), 'onboardedAt');
    if (!marked) throw noProgram();
    res.status(marked.first ? 201 : 200).json({ program: programJson(marked.program) });
  });

  return router;
}
