import type { JobDeps } from './deps.js';
import { expireUnusedCodes } from '../loyalty/redemptions.js';

export async function expireRewardCodesJob(_data: object, deps: JobDeps): Promise<void> {
  if (!deps.pool) throw new Error('expire-reward-codes needs the pg pool');
  const result = await expireUnusedCodes(deps.pool, deps.admin, deps.programs);
  deps.logger.info(result, 'expired unused reward codes');
}
