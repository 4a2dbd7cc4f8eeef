// The admin's side of shopper emails: each message's switch and templates, a live preview and a test send of a
// template (the merchant's draft or the saved one), the shop's email settings, and what Tally sent a member.
import { z } from 'zod';
import { pgSql, type Sql } from '../db/sql.js';
import { UnknownReferences } from '../loyalty/rewards.js';
import type { LoyaltyDeps } from '../loyalty/services.js';
import { isRfmRef, segmentRef, unknownSegmentRefs } from '../segments/targeting.js';
import {
  COMMON_VARIABLES,
  defaultEnabled,
  EMAIL_LOCALES,
  emailMessage,
  emailMessages,
  type EmailLocale,
  type MessageDefinition,
} from './messages/index.js';
import { checkTemplate, renderEmail, TemplateError, type RenderedEmail } from './render.js';
import { senderWithName, widgetColors, type MailSetup } from './sender.js';
import { emailSettingsInput, parseEmailSettings, templateFor, type EmailSettingsInput } from './settings.js';
import { smtpOutcome } from './transport.js';

export async function listEmailMessages(deps: Pick<LoyaltyDeps, 'prisma'>, shop: string) {
  const rows = await deps.prisma.emailMessage.findMany({ where: { shop } });
  const stored = new Map(rows.map((r) => [r.key, r]));
  return emailMessages.map((m) => ({
    key: m.key,
    enabled: stored.get(m.key)?.enabled ?? defaultEnabled(m),
    category: m.category,
    when: m.when,
    variables: { ...COMMON_VARIABLES, ...m.variables },
    locales: EMAIL_LOCALES,
    defaults: m.templates,
    templates: (stored.get(m.key)?.templates as Record<string, unknown> | undefined) ?? {},
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

/**
 * Switches a message on or off and/or edits its templates; 'not-found' for an unknown key; 'needs-postal-address' when a
 * marketing message is switched on before the shop set its postal address (the law wants it in the footer); throws
 * InvalidTemplate.
 */
export async function changeEmailMessage(deps: Pick<LoyaltyDeps, 'prisma'>, shop: string, key: string, change: EmailMessageChange) {
  const message = emailMessage(key);
  if (!message) return 'not-found' as const;
  if (change.enabled && message.category === 'marketing') {
    const program = await deps.prisma.program.findUnique({ where: { shop }, select: { emailSettings: true } });
    if (!parseEmailSettings(program?.emailSettings).postalAddress) return 'needs-postal-address' as const;
  }
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

/** Every email Tally decided to send the member, newest first, and since when the address bounces (null: it does not). */
export async function memberEmailLog(deps: Pick<LoyaltyDeps, 'prisma'>, shop: string, memberId: string) {
  const [sent, member] = await Promise.all([
    deps.prisma.emailSend.findMany({
      where: { shop, memberId },
      orderBy: { createdAt: 'desc' },
      take: 200,
      select: {
        key: true,
        to: true,
        status: true,
        sentAt: true,
        reason: true,
        category: true,
        createdAt: true,
        attempts: true,
        clickedAt: true,
      },
    }),
    deps.prisma.member.findFirst({ where: { id: memberId, shop }, select: { emailUndeliverableAt: true } }),
  ]);
  return { sent, undeliverableAt: member?.emailUndeliverableAt ?? null };
}

// ── Preview and test send ───────────────────────────────────────────────────────────────────────────────────────────

export const previewInput = z
  .object({
    locale: z.enum(EMAIL_LOCALES),
    /** The draft being edited; absent: the saved template (or the default). */
    subject: z.string().max(500).optional(),
    body: z.string().max(50_000).optional(),
    /** Render with this member's data; absent: a sample member. */
    memberId: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type PreviewInput = z.infer<typeof previewInput>;

export const testSendInput = previewInput.omit({ memberId: true }).extend({
  to: z.email().max(254),
  memberId: z.string().trim().min(1).max(200).optional(),
});
export type TestSendInput = z.infer<typeof testSendInput>;

/** Sample values for the merge variables a message documents, by name (unknown ones get a readable stand-in). */
function sampleValue(path: string, shop: string): unknown {
  const known: Record<string, unknown> = {
    'tier.name': 'Gold',
    'tier.previous': 'Silver',
    'tier.next': 'Platinum',
    'adjustment.points': 250,
    'adjustment.note': 'Thanks for your patience with your last order',
    'reward.name': '$5 off your next order',
    'reward.code': 'TALLY-5OFF-SAMPLE',
    'reward.apply_url': `https://${shop}/discount/TALLY-5OFF-SAMPLE`,
    'tier.kept_until': new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10),
    'tier.basis': 'points-earned',
    'tier.needed': 250,
    'win_back.days': 130,
    'win_back.bonus_points': 200,
    'win_back.reward': '',
  };
  if (path in known) return known[path];
  const leaf = path.split('.').pop()!;
  if (/url$|link$/.test(leaf)) return `https://${shop}/`;
  if (/points|balance|count|days/.test(leaf)) return 500;
  if (/_on$|_at$|date/.test(leaf)) return new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  return leaf.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.');
  let at = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof at[part] !== 'object' || at[part] === null) at[part] = {};
    at = at[part] as Record<string, unknown>;
  }
  at[parts.at(-1)!] = value;
}

interface PreviewFacts {
  shopName: string;
  widget: unknown;
  emailSettings: unknown;
}

/** The merge data: the message's variables with sample values, the member (sample or real) and the shop. */
async function mergeData(sql: Sql, shop: string, facts: PreviewFacts, message: MessageDefinition, memberId?: string) {
  const data: Record<string, unknown> = {};
  for (const path of Object.keys(message.variables)) setPath(data, path, sampleValue(path, shop));
  for (const [path, value] of Object.entries(message.sample ?? {})) setPath(data, path, value);
  let member: Record<string, unknown> = {
    first_name: 'Alex',
    last_name: 'Sample',
    email: 'alex@example.com',
    points: 1250,
    pending_points: 300,
    tier: 'Silver',
  };
  if (memberId) {
    const [row] = await sql.$queryRaw<
      Array<{
        email: string | null;
        firstName: string | null;
        lastName: string | null;
        pointsAvailable: number;
        pointsPending: number;
        tierName: string | null;
        redactedAt: Date | null;
      }>
    >`
      SELECT m.email, m."firstName", m."lastName", m."pointsAvailable", m."pointsPending", t.name AS "tierName", m."redactedAt"
      FROM "Member" m LEFT JOIN "Tier" t ON t.id = m."tierId" WHERE m.id = ${memberId} AND m.shop = ${shop}`;
    if (!row) return null;
    member = {
      first_name: row.firstName ?? '',
      last_name: row.lastName ?? '',
      email: row.email ?? '',
      points: Number(row.pointsAvailable),
      pending_points: Number(row.pointsPending),
      tier: row.tierName ?? '',
    };
    if (row.tierName && 'tier.name' in message.variables) setPath(data, 'tier.name', row.tierName);
  }
  return { ...data, shop: { name: facts.shopName }, member };
}

/** The message rendered as the member (or a sample) would get it; 'not-found' for an unknown key or member. */
export async function previewEmail(
  deps: Pick<LoyaltyDeps, 'pool'>,
  shop: string,
  key: string,
  input: PreviewInput,
): Promise<RenderedEmail | 'not-found'> {
  const message = emailMessage(key);
  if (!message) return 'not-found';
  const sql = pgSql(deps.pool);
  const [row] = await sql.$queryRaw<Array<{ name: string | null; widget: unknown; emailSettings: unknown }>>`
    SELECT s.name, p.widget, p."emailSettings" FROM "Shop" s LEFT JOIN "Program" p ON p.shop = s.domain WHERE s.domain = ${shop}`;
  const facts = { shopName: row?.name ?? shop, widget: row?.widget, emailSettings: row?.emailSettings };
  const saved = await templateFor(sql, shop, key, input.locale);
  const template = { subject: input.subject ?? saved.subject, body: input.body ?? saved.body };
  const data = await mergeData(sql, shop, facts, message, input.memberId);
  if (!data) return 'not-found';
  return renderEmail(template, data, {
    shopName: facts.shopName,
    locale: input.locale as EmailLocale,
    category: message.category,
    colors: widgetColors(facts.widget),
    // The preview's footer link goes nowhere that acts: a test is not the member's unsubscribe.
    unsubscribeUrl: `https://${shop}/apps/tally/email/unsubscribe?preview=1`,
    postalAddress: parseEmailSettings(facts.emailSettings).postalAddress,
  });
}

/** Why a test send did not go out. */
export class TestSendFailed extends Error {}

/**
 * Sends the preview to an address the merchant typed (subject marked [Test]). Not recorded as an EmailSend: it is
 * nobody's message. 'no-mail' when Tally has no SMTP server; throws TemplateError or TestSendFailed (the SMTP reply).
 */
export async function sendTestEmail(
  deps: Pick<LoyaltyDeps, 'pool'> & { mail?: MailSetup | null },
  shop: string,
  key: string,
  input: TestSendInput,
): Promise<{ messageId: string } | 'not-found' | 'no-mail'> {
  const rendered = await previewEmail(deps, shop, key, input);
  if (rendered === 'not-found') return rendered;
  if (!deps.mail) return 'no-mail';
  const [row] = await pgSql(deps.pool).$queryRaw<Array<{ name: string | null; emailSettings: unknown }>>`
    SELECT s.name, p."emailSettings" FROM "Shop" s LEFT JOIN "Program" p ON p.shop = s.domain WHERE s.domain = ${shop}`;
  const settings = parseEmailSettings(row?.emailSettings);
  try {
    return await deps.mail.mailer.send({
      from: senderWithName(deps.mail.mailer.from, settings.senderName ?? row?.name ?? null),
      to: input.to,
      replyTo: settings.replyTo,
      subject: `[Test] ${rendered.subject}`,
      messageId: `<test-${crypto.randomUUID()}@tally>`,
      html: rendered.html,
      text: rendered.text,
      headers: { 'X-Tally-Email': key, 'X-Tally-Test': '1' },
    });
  } catch (error) {
    throw new TestSendFailed(smtpOutcome(error).reason);
  }
}

// ── Settings ────────────────────────────────────────────────────────────────────────────────────────────────────────

/** The shop's email settings with their defaults (sender name, reply-to, postal address, cap, window …). */
export async function emailSettingsOf(deps: Pick<LoyaltyDeps, 'pool'>, shop: string) {
  const [row] = await pgSql(deps.pool).$queryRaw<Array<{ emailSettings: unknown }>>`
    SELECT "emailSettings" FROM "Program" WHERE shop = ${shop}`;
  return parseEmailSettings(row?.emailSettings);
}

export { emailSettingsInput };

/** Replaces the shop's email settings (a field left out goes back to its default); 'not-found' without a program. */
/** A message's audience as SegmentMember names it: a rule segment's id, or rfm:<handle> (a bare RFM handle is accepted). */
const audienceId = (id: string) => (isRfmRef(id) ? `rfm:${segmentRef(id)}` : id);

/** Saves the settings; UnknownReferences (a 400 naming the field) when an audience is not one of the shop's segments. */
export async function saveEmailSettings(deps: Pick<LoyaltyDeps, 'prisma'>, shop: string, input: EmailSettingsInput) {
  const audiences = (['winBackAudienceSegmentId', 'statementAudienceSegmentId'] as const).filter((k) => input[k] !== undefined);
  const unknown = await unknownSegmentRefs(
    deps.prisma,
    shop,
    audiences.map((k) => input[k]!),
  );
  if (unknown.length > 0)
    throw new UnknownReferences(
      Object.fromEntries(audiences.filter((k) => unknown.includes(input[k]!)).map((k) => [k, 'not a segment of this shop'])),
    );
  for (const k of audiences) input = { ...input, [k]: audienceId(input[k]!) };
  const saved = await deps.prisma.program.updateMany({ where: { shop }, data: { emailSettings: input as object } });
  if (saved.count === 0) return 'not-found' as const;
  return parseEmailSettings(input);
}
