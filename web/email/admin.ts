// The admin's side of shopper emails: each message's switch and templates, and what Tally sent a member.
import { z } from 'zod';
import type { LoyaltyDeps } from '../loyalty/services.js';
import { defaultEnabled, EMAIL_LOCALES, emailMessage, emailMessages } from './messages/index.js';
import { checkTemplate, TemplateError } from './render.js';

export async function listEmailMessages(deps: Pick<LoyaltyDeps, 'prisma'>, shop: string) {
  const rows = await deps.prisma.emailMessage.findMany({ where: { shop } });
  const stored = new Map(rows.map((r) => [r.key, r]));
  return emailMessages.map((m) => ({
    key: m.key,
    enabled: stored.get(m.key)?.enabled ?? defaultEnabled(m),
    category: m.category,
    when: m.when,
    variables: m.variables,
    locales: EMAIL_LOCALES,
    edited: Object.keys((stored.get(m.key)?.templates as object | undefined) ?? {}),
  }));
}

const templateInput = z.object({ subject: z.string().max(500), body: z.string().max(50_000) }).strict();
export const emailMessageChange = z
  .object({
    enabled: z.boolean().optional(),
    /** Per language: the merchant's template, or null to go back to the default. */
    templates: z.partialRecord(z.enum(EMAIL_LOCALES), templateInput.nullable()).optional(),
  })
  .strict();
export type EmailMessageChange = z.infer<typeof emailMessageChange>;

/** A template that does not parse: its part, language and line. */
export class InvalidTemplate extends Error {
  constructor(readonly error: TemplateError) {
    super(error.message);
  }
}

/** Switches a message on or off and/or edits its templates; 'not-found' for an unknown key; throws InvalidTemplate. */
export async function changeEmailMessage(deps: Pick<LoyaltyDeps, 'prisma'>, shop: string, key: string, change: EmailMessageChange) {
  const message = emailMessage(key);
  if (!message) return 'not-found' as const;
  for (const [locale, template] of Object.entries(change.templates ?? {})) {
    if (!template) continue;
    try {
      checkTemplate(template, locale);
    } catch (error) {
      if (error instanceof TemplateError) throw new InvalidTemplate(error);
      throw error;
    }
  }
  const current = await deps.prisma.emailMessage.findUnique({ where: { shop_key: { shop, key } } });
  const templates: Record<string, unknown> = { ...((current?.templates as Record<string, unknown> | undefined) ?? {}) };
  for (const [locale, template] of Object.entries(change.templates ?? {})) {
    if (template) templates[locale] = template;
    else delete templates[locale];
  }
  const enabled = change.enabled ?? current?.enabled ?? defaultEnabled(message);
  const saved = await deps.prisma.emailMessage.upsert({
    where: { shop_key: { shop, key } },
    create: { shop, key, enabled, templates: templates as object },
    update: { enabled, templates: templates as object },
  });
  return { key, enabled: saved.enabled, category: message.category, edited: Object.keys(templates) };
}

/** Every email Tally decided to send the member, newest first. */
export async function memberEmailLog(deps: Pick<LoyaltyDeps, 'prisma'>, shop: string, memberId: string) {
  const rows = await deps.prisma.emailSend.findMany({
    where: { shop, memberId },
    orderBy: { createdAt: 'desc' },
    take: 200,
    select: { key: true, to: true, status: true, sentAt: true, reason: true, category: true, createdAt: true, attempts: true },
  });
  return rows;
}
