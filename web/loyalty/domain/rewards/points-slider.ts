// Spend any multiple of `pointsStep` points between minPoints and maxPoints
// for amountPerStepMinor off per step ("100 points = 1.00 off, up to 2,000").
import { z } from 'zod';
import { amountMinorSchema, appliesToOption, codeOptions, MAX_VALUE_MINOR, pointsCostSchema, type RewardType } from './types.js';
import { messages } from '../messages.js';

export const pointsSliderConfig = z
  .object({
    pointsStep: pointsCostSchema,
    amountPerStepMinor: amountMinorSchema,
    minPoints: pointsCostSchema,
    maxPoints: pointsCostSchema,
    ...codeOptions,
    ...appliesToOption,
  })
  .refine((c) => c.minPoints % c.pointsStep === 0, { path: ['minPoints'], message: messages.multipleOfStep })
  .refine((c) => c.maxPoints % c.pointsStep === 0, { path: ['maxPoints'], message: messages.multipleOfStep })
  .refine((c) => c.minPoints <= c.maxPoints, { path: ['maxPoints'], message: messages.atLeastMinimum })
  .refine((c) => (c.maxPoints / c.pointsStep) * c.amountPerStepMinor <= MAX_VALUE_MINOR, {
    path: ['maxPoints'],
    message: messages.largestDiscountTooBig,
  });
export type PointsSliderConfig = z.infer<typeof pointsSliderConfig>;

export const pointsSlider: RewardType<PointsSliderConfig> = {
  type: 'points-slider',
  label: 'Points slider',
  config: pointsSliderConfig,
  issue: 'discount-code',
  cost(config, request) {
    const { points } = request;
    const range = `a multiple of ${config.pointsStep} from ${config.minPoints} to ${config.maxPoints}`;
    if (points === undefined) return { error: 'INVALID_POINTS', message: `choose how many points to spend: ${range}` };
    if (!Number.isSafeInteger(points) || points < config.minPoints || points > config.maxPoints || points % config.pointsStep !== 0) {
      return { error: 'INVALID_POINTS', message: `${points} points is not ${range}` };
    }
    return { points, valueMinor: (points / config.pointsStep) * config.amountPerStepMinor };
  },
};
