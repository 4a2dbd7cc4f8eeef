// Points in the member's birthday month, once a calendar year (shop time zone).
import { z } from 'zod';
import { localDate } from '../time.js';
import { pointsSchema, type EarnRuleType } from './types.js';

export const birthdayConfig = z.object({ points: pointsSchema });
export type BirthdayConfig = z.infer<typeof birthdayConfig>;

export const birthday: EarnRuleType<BirthdayConfig> = {
  type: 'birthday',
  label: 'Birthday reward',
  config: birthdayConfig,
  trigger: 'birthday',
  evaluate(config, context) {
    const month = context.member?.birthday?.month;
    if (!month) return 0;
    const today = localDate(context.now, context.timeZone);
    return today.month === month && context.lastAwardedYear !== today.year ? config.points : 0;
  },
};
