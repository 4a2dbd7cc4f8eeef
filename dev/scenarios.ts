// Named webhook scenarios for the simulator (CLI and /dev/webhooks page).
import type { PrismaClient } from '../web/db.js';
import { HttpError } from '../web/http/errors.js';
import { complianceDataRequest, complianceRedact, customerPayload, orderPayload, refundPayload, sample } from './payloads.js';

export const SCENARIOS = {
  'order-paid': 'orders/paid — a paid order from a demo member (94.00 of goods, tax, shipping)',
  'order-created': 'orders/create — a new order from a demo member',
  'order-cancelled': "orders/cancelled — the member's latest order, cancelled",
  'refund-partial': "refunds/create — refund half of the member's latest order",
  'customer-created': 'customers/create — a new customer joins',
  'order-with-reward-code': "orders/paid — an order using one of the member's unused Tally codes",
  'referred-order': "orders/paid — a referred friend's first order, with the code from the latest referral link followed",
  'customer-redact': "customers/redact — erase a demo member's personal data",
  'customer-data-request': "customers/data_request — export a demo member's data",
  'app-uninstalled': 'app/uninstalled — the merchant removes Tally',
  'shop-redact': 'shop/redact — delete everything of the shop',
} as const;
export type Scenario = keyof typeof SCENARIOS;

const DEMO_LINES = [
  { title: 'Organic cotton tee', priceMinor: 2900, quantity: 2 },
  { title: 'Canvas tote', priceMinor: 1800, quantity: 2 },
];

async function pickMember(prisma: PrismaClient, shop: string, customerId?: string) {
  const member = await prisma.member.findFirst({
    where: { shop, redactedAt: null, ...(customerId ? { customerId } : {}) },
    orderBy: { customerId: 'asc' },
  });
  if (!member) throw new Error(`No member to use in ${shop}`);
  return {
    id: member.customerId,
    email: member.email ?? undefined,
    firstName: member.firstName ?? undefined,
    lastName: member.lastName ?? undefined,
  };
}

/** The member's newest issued code that no order used yet: what a shopper types at checkout after redeeming. */
async function unusedCode(prisma: PrismaClient, shop: string, customerId?: string) {
  const redemption = await prisma.redemption.findFirst({
    where: {
      shop,
      status: 'ISSUED',
      code: { not: null },
      usedAt: null,
      ...(customerId ? { memberId: (await prisma.member.findUnique({ where: { shop_customerId: { shop, customerId } } }))?.id ?? '' } : {}),
    },
    orderBy: { issuedAt: 'desc' },
  });
  if (!redemption) {
    throw new HttpError(
      409,
      'no_unused_code',
      'The member has no issued, unused Tally code: redeem a reward first (the storefront widget, or Issue a reward on the member page)',
    );
  }
  return redemption;
}

export async function scenarioPayload(
  prisma: PrismaClient,
  scenario: string,
  shop: string,
  customerId?: string,
): Promise<{ topic: string; payload: unknown }> {
  const numeric = (gid: string) => gid.split('/').pop()!;
  switch (scenario as Scenario) {
    case 'order-paid':
      // Two lines of two items: refunding one of each ("refund-partial") is exactly half the order.
      return {
        topic: 'orders/paid',
        payload: orderPayload({
          customer: await pickMember(prisma, shop, customerId),
          lines: DEMO_LINES,
          taxRate: 0.08,
          shippingMinor: 695,
        }),
      };
    case 'order-created':
      return {
        topic: 'orders/create',
        payload: orderPayload({ customer: await pickMember(prisma, shop, customerId), financialStatus: 'pending' }),
      };
    case 'order-cancelled':
    case 'refund-partial': {
      const member = await pickMember(prisma, shop, customerId);
      const order = await prisma.order.findFirst({ where: { shop, member: { customerId: member.id } }, orderBy: { processedAt: 'desc' } });
      if (!order) throw new Error('The member has no order yet; send order-paid first');
      const id = numeric(order.orderId);
      return scenario === 'order-cancelled'
        ? { topic: 'orders/cancelled', payload: orderPayload({ id, customer: member, cancelled: true }) }
        : { topic: 'refunds/create', payload: refundPayload(order.facts as never, { fraction: 0.5 }) };
    }
    case 'order-with-reward-code': {
      const redemption = await unusedCode(prisma, shop, customerId);
      const member = await prisma.member.findUniqueOrThrow({ where: { id: redemption.memberId } });
      const customer = await pickMember(prisma, shop, member.customerId);
      // The code's value comes off the goods, as Shopify applies a fixed-amount code.
      return {
        topic: 'orders/paid',
        payload: orderPayload({
          customer,
          lines: DEMO_LINES,
          taxRate: 0.08,
          shippingMinor: 695,
          discountMinor: redemption.valueMinor,
          discountCode: redemption.code!,
        }),
      };
    }
    case 'referred-order': {
      // The friend who most recently followed a referral link (and got a code) orders for the first time.
      const referral = await prisma.referral.findFirst({
        where: { shop, status: 'VISITED', offerShopifyId: { not: null } },
        orderBy: { createdAt: 'desc' },
      });
      if (!referral?.offerCode) throw new Error("No referral link has been followed yet: open a member's referral link first");
      const n = Date.now();
      const friend = { id: `gid://shopify/Customer/${n}`, email: `friend.${n}@example.com`, firstName: 'Friend', lastName: 'Of a member' };
      const attributes: Record<string, string> = {
        _tally_ref: referral.code,
        ...(referral.deviceId ? { _tally_device: referral.deviceId } : {}),
      };
      return {
        topic: 'orders/paid',
        payload: orderPayload({
          customer: friend,
          lines: DEMO_LINES,
          taxRate: 0.08,
          shippingMinor: 695,
          discountMinor: 1000,
          discountCode: referral.offerCode,
          attributes,
        }),
      };
    }
    case 'customer-created': {
      const n = Date.now();
      return {
        topic: 'customers/create',
        payload: customerPayload({
          id: `gid://shopify/Customer/${n}`,
          email: `new.shopper.${n}@example.com`,
          firstName: 'New',
          lastName: 'Shopper',
          marketing: true,
        }),
      };
    }
    case 'customer-redact':
      return { topic: 'customers/redact', payload: complianceRedact(shop, numeric((await pickMember(prisma, shop, customerId)).id)) };
    case 'customer-data-request':
      return {
        topic: 'customers/data_request',
        payload: complianceDataRequest(shop, numeric((await pickMember(prisma, shop, customerId)).id)),
      };
    case 'app-uninstalled':
      return { topic: 'app/uninstalled', payload: { ...sample('app/uninstalled'), myshopify_domain: shop, domain: shop } };
    case 'shop-redact':
      return { topic: 'shop/redact', payload: { shop_id: 954889, shop_domain: shop } };
    default:
      throw new Error(`Unknown scenario ${scenario}`);
  }
}
