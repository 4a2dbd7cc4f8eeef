import type { Sql } from '../../db/sql.js';

// What a shopper email is: a key, a category (which decides its default and
// its unsubscribe), the event that sends it, its merge variables (documented
// for the editor) and a default template in each storefront language.

/** The storefront's six languages (extensions/loyalty-widget/locales); English is the fallback. */
export const EMAIL_LOCALES = ['en', 'fr', 'de', 'es', 'pl', 'zh-CN'] as const;
export type EmailLocale = (typeof EMAIL_LOCALES)[number];

/**
 * account: about the member's own account (on by default); reminder: nudges (on by default, except the monthly
 * statement); marketing: promotional, only to customers whose Shopify email marketing state is SUBSCRIBED (off by
 * default). Each category is unsubscribed from separately.
 */
export const EMAIL_CATEGORIES = ['account', 'reminder', 'marketing'] as const;
export type EmailCategory = (typeof EMAIL_CATEGORIES)[number];

export interface EmailTemplate {
  /** Liquid, rendered as plain text (one line). */
  subject: string;
  /** Liquid, rendered as an HTML fragment (values are HTML-escaped) inside the shop's layout. */
  body: string;
}

export interface MessageDefinition {
  key: string;
  category: EmailCategory;
  /** When it is sent, in the merchant's words. */
  when: string;
  /** Merge variables beyond the common ones (COMMON_VARIABLES), with what each holds. */
  variables: Record<string, string>;
  templates: Record<EmailLocale, EmailTemplate>;
  /** On unless the merchant switched it off (see defaultEnabled). */
  defaultEnabled?: boolean;
  /** Sample values for the admin's preview, by variable (lists and objects the generic sample cannot guess). */
  sample?: Record<string, unknown>;
  /** Merge data read again when the message goes (a digest counts what happened until then); merged over the row's. */
  refresh?: (
    sql: Sql,
    row: { shop: string; memberId: string; cause: string; data: Record<string, unknown> },
  ) => Promise<Record<string, unknown>>;
}

/** Every message's merge variables. */
export const COMMON_VARIABLES: Record<string, string> = {
  'shop.name': "The shop's name",
  'member.first_name': "The member's first name (may be empty)",
  'member.last_name': "The member's last name (may be empty)",
  'member.email': "The member's email address",
  'member.points': 'Points available now',
  'member.pending_points': 'Points earned but not yet available',
  'member.tier': "The member's VIP tier (empty without tiers)",
};

/** The rule: account messages on, reminders on except the monthly statement, marketing off. */
export function defaultEnabled(message: Pick<MessageDefinition, 'key' | 'category' | 'defaultEnabled'>): boolean {
  if (message.defaultEnabled !== undefined) return message.defaultEnabled;
  if (message.category === 'marketing') return false;
  if (message.category === 'reminder') return message.key !== 'monthly_statement';
  return true;
}

export function defineMessage(definition: MessageDefinition): MessageDefinition {
  return definition;
}
