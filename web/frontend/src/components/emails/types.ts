// The admin API's answers for the Emails page (web/routes/admin/emails.ts).
export type EmailCategory = 'account' | 'reminder' | 'marketing';
export interface EmailTemplate {
  subject: string;
  body: string;
}
export interface EmailMessageInfo {
  key: string;
  enabled: boolean;
  category: EmailCategory;
  when: string;
  /** Merge variable → what it holds (the common ones and the message's own). */
  variables: Record<string, string>;
  locales: string[];
  defaults: Record<string, EmailTemplate>;
  /** The merchant's edits, per language. */
  templates: Record<string, EmailTemplate>;
  edited: string[];
}
export interface EmailMessageStats {
  key: string;
  sent: number;
  bounced: number;
  unsubscribed: number;
  clicked: number;
  attributedOrders: number;
  attributedNetSalesMinor: number;
  repeatPurchase: { recipients: { customers: number; rate: number | null }; others: { customers: number; rate: number | null } };
}
export interface EmailStats {
  from: string;
  to: string;
  currencyCode: string;
  messages: EmailMessageStats[];
}
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}
export const EMAIL_CATEGORIES: readonly EmailCategory[] = ['account', 'reminder', 'marketing'];
