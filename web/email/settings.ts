// A shop's email settings (Program.emailSettings) and per-message switches
// (EmailMessage): what the sender and the admin read.
import { z } from 'zod';
import type { Sql } from '../db/sql.js';
import { defaultEnabled, emailMessage, type EmailLocale, type EmailTemplate } from './messages/index.js';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (00:00–23:59)');

/** The shop's email settings as the admin sends them: every field checked, none invented. */
export const emailSettingsInput = z
  .object({
    /** The sender's display name (MAIL_FROM's address stays: the shop does not own it). */
    senderName: z.string().trim().min(1).max(100).optional(),
    replyTo: z.email().optional(),
    /** Printed in the footer of marketing messages; required before any marketing message can be switched on. */
    postalAddress: z.string().trim().min(1).max(300).optional(),
    /** Reminder and marketing messages: at most one per member per this many days (0: no cap). */
    frequencyCapDays: z.number().int().min(0).max(30).optional(),
    /** Reminder and marketing messages go only between these times of day in the shop's time zone (end exclusive). */
    sendWindow: z
      .object({ start: clock, end: clock })
      .strict()
      .refine((w) => w.start !== w.end, { message: 'the window must not be empty', path: ['end'] })
      .optional(),
    /** win_back: a member who has not ordered for this many days. */
    winBackDays: z.number().int().min(14).max(730).optional(),
    /** win_back: bonus points given with the email (once per lapse; 0 or absent: none). */
    winBackPoints: z.number().int().min(0).max(1_000_000).optional(),
    /** win_back: a reward granted with the email (its code follows in reward_issued); absent: none. */
    winBackRewardId: z.string().trim().min(1).max(64).optional(),
    /** win_back: only members of this segment (a rule segment's id or rfm:<handle>, as GET /segments names it); absent: every member. */
    winBackAudienceSegmentId: z.string().trim().min(1).max(64).optional(),
    /** monthly_statement: only members of this segment, likewise. */
    statementAudienceSegmentId: z.string().trim().min(1).max(64).optional(),
    /** The merchant's own address for an email per detractor's survey answer (NPS 0–6, CSAT 1–2); null or absent: off. */
    detractorAlertsTo: z.email().max(254).nullable().optional(),
  })
  .strict();
export type EmailSettingsInput = z.infer<typeof emailSettingsInput>;

export const DEFAULT_FREQUENCY_CAP_DAYS = 3;
export const DEFAULT_SEND_WINDOW = { start: '09:00', end: '20:00' } as const;
export const DEFAULT_WIN_BACK_DAYS = 120;

// Stored settings are read leniently: a field that no longer validates falls back to its default, never stops a send.
const emailSettingsSchema = z
  .object({
    senderName: emailSettingsInput.shape.senderName.catch(undefined),
    replyTo: emailSettingsInput.shape.replyTo.catch(undefined),
    postalAddress: emailSettingsInput.shape.postalAddress.catch(undefined),
    frequencyCapDays: z.number().int().min(0).max(30).catch(DEFAULT_FREQUENCY_CAP_DAYS).default(DEFAULT_FREQUENCY_CAP_DAYS),
    sendWindow: z
      .object({ start: clock, end: clock })
      .refine((w) => w.start !== w.end)
      .catch({ ...DEFAULT_SEND_WINDOW })
      .default({ ...DEFAULT_SEND_WINDOW }),
    winBackDays: z.number().int().min(14).max(730).catch(DEFAULT_WIN_BACK_DAYS).default(DEFAULT_WIN_BACK_DAYS),
    winBackPoints: z.number().int().min(0).max(1_000_000).catch(0).default(0),
    winBackRewardId: emailSettingsInput.shape.winBackRewardId.catch(undefined),
    winBackAudienceSegmentId: emailSettingsInput.shape.winBackAudienceSegmentId.catch(undefined),
    statementAudienceSegmentId: emailSettingsInput.shape.statementAudienceSegmentId.catch(undefined),
    detractorAlertsTo: z.email().max(254).nullable().catch(null).default(null),
  })
  .catch({
    frequencyCapDays: DEFAULT_FREQUENCY_CAP_DAYS,
    sendWindow: { ...DEFAULT_SEND_WINDOW },
    winBackDays: DEFAULT_WIN_BACK_DAYS,
    winBackPoints: 0,
    detractorAlertsTo: null,
  });
export type EmailSettings = z.infer<typeof emailSettingsSchema>;

/** The shop's email settings (Program.emailSettings), defaults filled in. */
export async function shopEmailSettings(sql: Sql, shop: string): Promise<EmailSettings & { timeZone: string }> {
  const [row] = await sql.$queryRaw<Array<{ emailSettings: unknown; timeZone: string | null }>>`
    SELECT p."emailSettings", s."ianaTimezone" AS "timeZone"
    FROM "Shop" s LEFT JOIN "Program" p ON p.shop = s.domain WHERE s.domain = ${shop}`;
  return { ...parseEmailSettings(row?.emailSettings), timeZone: row?.timeZone ?? 'UTC' };
}

export function parseEmailSettings(raw: unknown): EmailSettings {
  return emailSettingsSchema.parse(raw ?? {});
}

/** Whether the shop sends `key` (its switch, else the message's default). */
export async function messageEnabled(sql: Sql, shop: string, key: string): Promise<boolean> {
  const message = emailMessage(key);
  if (!message) return false;
  const [row] = await sql.$queryRaw<Array<{ enabled: boolean }>>`SELECT enabled FROM "EmailMessage" WHERE shop = ${shop} AND key = ${key}`;
  return row ? row.enabled : defaultEnabled(message);
}

const templateSchema = z.object({ subject: z.string(), body: z.string() });

/** The shop's template for `key` in `locale`: the merchant's edit, else the default. */
export async function templateFor(sql: Sql, shop: string, key: string, locale: EmailLocale): Promise<EmailTemplate> {
  const message = emailMessage(key);
  if (!message) throw new Error(`Unknown email ${key}`);
  const [row] = await sql.$queryRaw<
    Array<{ templates: unknown }>
  >`SELECT templates FROM "EmailMessage" WHERE shop = ${shop} AND key = ${key}`;
  const edited = templateSchema.safeParse((row?.templates as Record<string, unknown> | undefined)?.[locale]);
  return edited.success ? edited.data : message.templates[locale];
}
