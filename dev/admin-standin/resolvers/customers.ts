import { notImplemented } from '../errors.js';
import type { CustomerRecord } from '../types.js';
import { findCustomer, userError, type PayloadUserError, type ResolverContext } from './context.js';
import { validateWrite, writeMetafield, type MetafieldWrite } from './metafields.js';
import { mergeTags, metafieldsOf, splitTags } from './records.js';
import { customerView } from './views.js';

interface MetafieldInput {
  id?: string | null;
  namespace?: string | null;
  key?: string | null;
  type?: string | null;
  value?: string | null;
}

interface CustomerInput {
  id?: string | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  note?: string | null;
  locale?: string | null;
  tags?: string[] | null;
  metafields?: MetafieldInput[] | null;
}

const SCALAR_FIELDS = ['email', 'firstName', 'lastName', 'phone', 'note', 'locale'] as const;
const HANDLED_FIELDS = new Set<string>(['id', 'tags', 'metafields', ...SCALAR_FIELDS]);

export function customerQueries(ctx: ResolverContext) {
  return {
    customer: (args: { id: string }) => {
      const customer = findCustomer(ctx, args.id);
      return customer ? customerView(ctx, customer) : null;
    },
  };
}

export function customerMutations(ctx: ResolverContext) {
  return {
    customerUpdate: (args: { input: CustomerInput }) => customerUpdate(ctx, args.input),
    customerEmailMarketingConsentUpdate: (args: { input: ConsentUpdateInput }) => consentUpdate(ctx, args.input),
  };
}

interface ConsentUpdateInput {
  customerId: string;
  emailMarketingConsent: {
    marketingState: string;
    marketingOptInLevel?: string | null;
    consentUpdatedAt?: string | null;
    sourceLocationId?: string | null;
  };
}

/**
 * Shopify's rules as its reference states them: the customer must exist and have an email address; only SUBSCRIBED,
 * UNSUBSCRIBED and PENDING may be set (NOT_SUBSCRIBED, REDACTED and INVALID are Shopify's own); the consent time may
 * not be in the future. Locations are not modelled, so a sourceLocationId is a gap, not silently dropped.
 */
function consentUpdate(ctx: ResolverContext, input: ConsentUpdateInput) {
  const consent = input.emailMarketingConsent;
  if (consent.sourceLocationId != null) throw notImplemented('CustomerEmailMarketingConsentInput.sourceLocationId');
  const customer = findCustomer(ctx, input.customerId);
  const fail = (field: string[], message: string, code: string) => ({ customer: null, userErrors: [{ field, message, code }] });
  if (!customer) return fail(['input', 'customerId'], 'Customer does not exist', 'INVALID');
  if (!customer.email) return fail(['input', 'customerId'], 'Customer must have an email address', 'INVALID');
  if (!['SUBSCRIBED', 'UNSUBSCRIBED', 'PENDING'].includes(consent.marketingState))
    return fail(['input', 'emailMarketingConsent', 'marketingState'], 'Marketing state is not included in the list', 'INCLUSION');
  const at = consent.consentUpdatedAt ? Date.parse(consent.consentUpdatedAt) : ctx.store.now();
  if (at > ctx.store.now())
    return fail(['input', 'emailMarketingConsent', 'consentUpdatedAt'], 'Consent updated at cannot be in the future', 'INVALID');
  customer.emailMarketing = {
    state: consent.marketingState,
    optInLevel: consent.marketingOptInLevel ?? customer.emailMarketing?.optInLevel ?? null,
    updatedAt: new Date(at).toISOString(),
  };
  customer.updatedAt = ctx.store.nowIso();
  return { customer: customerView(ctx, customer), userErrors: [] };
}

function customerUpdate(ctx: ResolverContext, input: CustomerInput) {
  // Silently ignoring addresses or consent would hide a gap from the app's tests.
  const unsupported = Object.keys(input).find((name) => !HANDLED_FIELDS.has(name));
  if (unsupported) throw notImplemented(`CustomerInput.${unsupported}`);
  const customer = input.id ? findCustomer(ctx, input.id) : null;
  if (!customer) return { customer: null, userErrors: [userError(['id'], 'Customer does not exist')] };
  const writes = (input.metafields ?? []).map((m) => toWrite(ctx, customer.id, m));
  const userErrors = [...emailErrors(ctx, customer, input), ...writeErrors(ctx, writes)];
  if (userErrors.length > 0) return { customer: null, userErrors };
  applyUpdate(ctx, customer, input);
  for (const write of writes) if (write) writeMetafield(ctx, write);
  return { customer: customerView(ctx, customer), userErrors: [] };
}

/** A MetafieldInput naming an unknown metafield id cannot become a write. */
function toWrite(ctx: ResolverContext, ownerId: string, input: MetafieldInput): MetafieldWrite | null {
  const existing = input.id ? metafieldsOf(ctx, ownerId).find((m) => m.id === input.id) : undefined;
  if (input.id && !existing) return null;
  return {
    ownerId,
    namespace: existing?.namespace ?? input.namespace ?? null,
    key: existing?.key ?? input.key ?? '',
    type: input.type ?? null,
    value: input.value ?? '',
  };
}

function writeErrors(ctx: ResolverContext, writes: (MetafieldWrite | null)[]): PayloadUserError[] {
  return writes.flatMap((write, index) =>
    write
      ? validateWrite(ctx, write, ['metafields', String(index)], index)
      : [userError(['metafields', index, 'id'], 'Metafield does not exist', null, index)],
  );
}

function emailErrors(ctx: ResolverContext, customer: CustomerRecord, input: CustomerInput): PayloadUserError[] {
  const email = input.email;
  if (email == null || email === '') return [];
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return [userError(['email'], 'Email is invalid')];
  const taken = [...ctx.shop.customers.values()].some(
    (other) => other.id !== customer.id && other.email?.toLowerCase() === email.toLowerCase(),
  );
  return taken ? [userError(['email'], 'Email has already been taken')] : [];
}

function applyUpdate(ctx: ResolverContext, customer: CustomerRecord, input: CustomerInput): void {
  for (const name of SCALAR_FIELDS) {
    const value = input[name];
    if (value === undefined) continue;
    if (name === 'locale') customer.locale = value ?? customer.locale;
    else customer[name] = value === '' ? null : value;
  }
  // CustomerInput.tags replaces the whole list, unlike tagsAdd.
  if (input.tags != null) ctx.shop.tags.set(customer.id, mergeTags([], splitTags(input.tags)));
  customer.updatedAt = ctx.store.nowIso();
}
