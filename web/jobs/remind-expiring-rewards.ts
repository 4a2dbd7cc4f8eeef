import type { JobDeps } from './deps.js';
import { remindExpiringCodes } from '../loyalty/redemptions.js';

/** Daily: reward.expiring_soon for each issued, unused code that expires within 7 days (once per redemption). */
export async function remindExpiringRewardsJob(_data: object, deps: JobDeps): Promise<void> {
  if (!deps.pool) throw new Error('remind-expiring-rewards needs the pg pool');
  const result = await remindExpiringCodes(deps.pool);
  deps.logger.info(result, 'reward codes expiring soon');
}
