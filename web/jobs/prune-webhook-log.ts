import type { JobDeps } from './deps.js';

/** The delivery log only needs to outlive Shopify's retry window (4 hours); keep 30 days for support. */
export async function pruneWebhookLog(data: { olderThanDays?: number }, { prisma, logger }: JobDeps): Promise<void> {
  const days = data.olderThanDays ?? 30;
  const before = new Date(Date.now() - days * 86_400_000);
  const { count } = await prisma.webhookDelivery.deleteMany({ where: { receivedAt: { lt: before } } });
  logger.info({ count, before }, 'pruned webhook log');
}
