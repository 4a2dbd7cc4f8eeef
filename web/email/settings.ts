// A shop's email settings (Program.emailSettings) and per-message switches
// (EmailMessage): what the sender and the admin read.
import { z } from 'zod';
import type { Sql } from '../db/sql.js';
import { defaultEnabled, emailMessage, type EmailLocale, type EmailTemplate } from './messages/index.js';

const emailSettingsSchema = z
  .object({
    /** The sender's display name (MAIL_FROM's address stays: the shop does not own it). */
    senderName: z.string().trim().min(1).max(100).optional().catch(undefined),
    replyTo: z.email().optional().catch(undefined),
    /** Printed in every footer; required before marketing messages can be switched on (a later slice). */
    postalAddress: z.string().trim().min(1).max(300).optional().catch(undefined),
  })
  .catch({});
export type EmailSettings = z.infer<typeof emailSettingsSchema>;

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
