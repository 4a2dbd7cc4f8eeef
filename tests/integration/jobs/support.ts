// Shared set-up for the job tests: members with a history written through the
// real ledger at chosen times, and program settings changed the way an admin
// would (stored JSON, then the cache told to forget).
import { randomUUID } from 'node:crypto';
import { DEV_SHOP } from '../../../web/config.js';
import { earn, redeem, adjust } from '../../../web/loyalty/ledger.js';
import type { ProgramSettings } from '../../../web/loyalty/domain/program.js';
import type { TestApp } from '../../helpers/app.js';

export const shop = DEV_SHOP;

let next = 1;
/** A Customer GID no seeded member uses. */
export const newCustomerGid = () => `gid://shopify/Customer/${7_700_000_000_000 + next++}`;

export async function createMember(
  app: TestApp,
  data: { customerId?: string; birthday?: Date; createdAt?: Date; redactedAt?: Date } = {},
): Promise<{ id: string; customerId: string }> {
  return app.prisma.member.create({
    data: {
      shop,
      customerId: data.customerId ?? newCustomerGid(),
      birthday: data.birthday,
      createdAt: data.createdAt,
      redactedAt: data.redactedAt,
    },
    select: { id: true, customerId: true },
  });
}

export async function updateSettings(app: TestApp, patch: Partial<ProgramSettings>): Promise<void> {
  const program = await app.prisma.program.findUniqueOrThrow({ where: { shop } });
  await app.prisma.program.update({ where: { shop }, data: { settings: { ...(program.settings as object), ...patch } } });
  app.programs.forget(shop);
}

const key = (what: string) => `test:${what}:${randomUUID()}`;

export const credit = (app: TestApp, memberId: string, points: number, at: Date, expiresAt: Date | null = null) =>
  app.prisma.$transaction((tx) =>
    earn(tx, { shop, memberId, points, source: 'ADMIN', idempotencyKey: key('earn'), createdAt: at, expiresAt }),
  );

export const spend = (app: TestApp, memberId: string, points: number, at: Date) =>
  app.prisma.$transaction((tx) =>
    redeem(tx, { shop, memberId, points, sourceId: 'test-reward', idempotencyKey: key('redeem'), createdAt: at }),
  );

export const deduct = (app: TestApp, memberId: string, points: number, at: Date) =>
  app.prisma.$transaction((tx) =>
    adjust(tx, { shop, memberId, points: -points, reason: 'test', actor: 'test', idempotencyKey: key('adjust'), createdAt: at }),
  );

export const balances = (app: TestApp, memberId: string) =>
  app.prisma.member.findUniqueOrThrow({
    where: { id: memberId },
    select: {
      pointsAvailable: true,
      pointsPending: true,
      lifetimeEarned: true,
      lifetimeRedeemed: true,
      balanceVersion: true,
      syncedVersion: true,
    },
  });
