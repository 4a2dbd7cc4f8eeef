// Installation state of a shop.
import type { PrismaClient, Tx } from '../db.js';
import type { Sql } from '../db/sql.js';
import type { LoyaltyDeps } from './services.js';

export async function isInstalled(db: Sql, shop: string): Promise<boolean> {
  // Raw: this runs on every webhook and API call.
  const rows = await db.$queryRaw<unknown[]>`SELECT 1 FROM "Shop" WHERE domain = ${shop} AND "uninstalledAt" IS NULL`;
  return rows.length === 1;
}

export async function recordInstall(
  db: Tx,
  input: { shop: string; name?: string; scopes: string; currencyCode?: string; ianaTimezone?: string },
): Promise<void> {
  const details = {
    name: input.name ?? input.shop.replace('.myshopify.com', ''),
    scopes: input.scopes,
    ...(input.currencyCode ? { currencyCode: input.currencyCode } : {}),
    ...(input.ianaTimezone ? { ianaTimezone: input.ianaTimezone } : {}),
  };
  await db.shop.upsert({
    where: { domain: input.shop },
    create: { domain: input.shop, ...details },
    update: { ...details, installedAt: new Date(), uninstalledAt: null },
  });
}

/** The app was removed: its access token is dead. Data stays until shop/redact (48 h later). */
export async function recordUninstall(sql: Sql, shop: string): Promise<void> {
  await sql.$executeRaw`UPDATE "Shop" SET "uninstalledAt" = now(), "updatedAt" = now() WHERE domain = ${shop} AND "uninstalledAt" IS NULL`;
  await sql.$executeRaw`DELETE FROM "Session" WHERE shop = ${shop}`;
}

export function installedCheck(prisma: PrismaClient) {
  return (shop: string) => isInstalled(prisma, shop);
}

/** The shop, its program's name and headline numbers, for the admin's top bar and dashboard. */
export async function shopSummary({ prisma }: Pick<LoyaltyDeps, 'prisma'>, shop: string) {
  const [row, program, members, outstanding, webhooksReceived] = await Promise.all([
    prisma.shop.findUniqueOrThrow({ where: { domain: shop } }),
    prisma.program.findUnique({ where: { shop } }),
    prisma.member.count({ where: { shop } }),
    prisma.member.aggregate({ where: { shop }, _sum: { pointsAvailable: true } }),
    prisma.webhookDelivery.count({ where: { shop } }),
  ]);
  return {
    shop: { domain: row.domain, name: row.name, currencyCode: row.currencyCode },
    program: program ? { name: program.name } : null,
    // A BIGINT column's sum may come back as a bigint (aggregates skip the client's result extensions).
    stats: { members, pointsOutstanding: Number(outstanding._sum.pointsAvailable ?? 0), webhooksReceived },
  };
}

/** How long a process trusts its memory that a shop's widget was seen (a development reset clears the column). */
const SIGHTING_MEMORY_MS = 60_000;

/**
 * The storefront widget asked Tally for the shopper, so the theme's app embed
 * is on: the first sighting is stored (the dashboard stops asking the owner
 * to switch it on). The shopper's request is a hot path, so each process
 * writes at most once a minute per shop.
 */
export function widgetSightings({ prisma: sql }: { prisma: Sql }): (shop: string) => Promise<void> {
  const recent = new Map<string, number>();
  return async (shop) => {
    const at = recent.get(shop);
    if (at !== undefined && Date.now() - at < SIGHTING_MEMORY_MS) return;
    await sql.$executeRaw`UPDATE "Program" SET "embedSeenAt" = now(), "updatedAt" = now() WHERE shop = ${shop} AND "embedSeenAt" IS NULL`;
    recent.set(shop, Date.now());
  };
}
