// Shopify's mandatory privacy requests (GDPR/CCPA).
import { randomUUID } from 'node:crypto';
import type { Tx } from '../db.js';

/**
 * customers/redact: erase the customer's personal data. The member row and
 * its ledger stay, anonymised, so the shop's point totals and liability
 * remain true; nothing left can identify the shopper.
 */
export async function redactCustomer(tx: Tx, shop: string, customerId: string): Promise<boolean> {
  const member = await tx.member.findUnique({ where: { shop_customerId: { shop, customerId } }, select: { id: true } });
  if (member) {
    await tx.member.update({
      where: { id: member.id },
      data: {
        customerId: `redacted:${randomUUID()}`,
        email: null,
        firstName: null,
        lastName: null,
        birthday: null,
        acceptsMarketing: false,
        redactedAt: new Date(),
      },
    });
    // Admins' free-text reasons may name the shopper; the points themselves stay.
    await tx.pointEntry.updateMany({ where: { memberId: member.id, reason: { not: null } }, data: { reason: null } });
  }
  await tx.complianceRequest.create({
    data: { shop, topic: 'CUSTOMERS_REDACT', customerId, completedAt: new Date() },
  });
  return member !== null;
}

/** shop/redact: the shop uninstalled 48 hours ago; delete everything we hold for it. */
export async function redactShop(tx: Tx, shop: string, keepDeliveryId: string): Promise<void> {
  // Members, orders, ledger, program and compliance records cascade from the shop.
  await tx.shop.deleteMany({ where: { domain: shop } });
  await tx.session.deleteMany({ where: { shop } });
  await tx.webhookDelivery.deleteMany({ where: { shop, id: { not: keepDeliveryId } } });
}

/** customers/data_request: everything we hold about the customer, for the merchant to send them. */
export async function exportCustomerData(
  tx: Tx,
  shop: string,
  input: { customerId: string; dataRequestId: string },
): Promise<{ id: string; found: boolean }> {
  const member = await tx.member.findUnique({
    where: { shop_customerId: { shop, customerId: input.customerId } },
    include: {
      pointEntries: { orderBy: { createdAt: 'asc' } },
      orders: { orderBy: { processedAt: 'asc' } },
    },
  });
  const data = member
    ? {
        customerId: member.customerId,
        email: member.email,
        firstName: member.firstName,
        lastName: member.lastName,
        birthday: member.birthday?.toISOString().slice(0, 10) ?? null,
        acceptsMarketing: member.acceptsMarketing,
        enrolledAt: member.createdAt.toISOString(),
        balances: {
          available: member.pointsAvailable,
          pending: member.pointsPending,
          lifetimeEarned: member.lifetimeEarned,
          lifetimeRedeemed: member.lifetimeRedeemed,
        },
        pointsHistory: member.pointEntries.map((e) => ({
          at: e.createdAt.toISOString(),
          kind: e.kind,
          points: e.points,
          status: e.status,
          source: e.source,
          reason: e.reason,
        })),
        orders: member.orders.map((o) => ({
          orderId: o.orderId,
          name: o.name,
          total: { minorUnits: o.totalMinor, currencyCode: o.currencyCode },
          processedAt: o.processedAt.toISOString(),
        })),
      }
    : null;
  const request = await tx.complianceRequest.create({
    data: {
      shop,
      topic: 'CUSTOMERS_DATA_REQUEST',
      customerId: input.customerId,
      dataRequestId: input.dataRequestId,
      export: { shop, generatedAt: new Date().toISOString(), member: data },
      completedAt: new Date(),
    },
  });
  return { id: request.id, found: member !== null };
}
