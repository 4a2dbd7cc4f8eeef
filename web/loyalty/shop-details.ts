// Reads the shop's name, currency and time zone from the Admin API after install.
import type { PrismaClient } from '../db.js';
import type { AdminClient } from '../shopify/admin.js';

export const SHOP_DETAILS = `#graphql
  query ShopDetails {
    shop { name currencyCode ianaTimezone }
  }`;

interface ShopDetails {
  shop: { name: string; currencyCode: string; ianaTimezone: string };
}

export async function refreshShopDetails(prisma: PrismaClient, admin: AdminClient, shop: string): Promise<void> {
  const { data } = await admin.request<ShopDetails>(shop, SHOP_DETAILS);
  await prisma.shop.update({
    where: { domain: shop },
    data: { name: data.shop.name, currencyCode: data.shop.currencyCode, ianaTimezone: data.shop.ianaTimezone },
  });
}
