// A bonus for joining the program, once per member.
import { z } from 'zod';
import { pointsSchema, type EarnRuleType } from './types.js';

export const signupConfig = z.object({ points: pointsSchema });
export type SignupConfig = z.infer<typeof signupConfig>;

export const signup: EarnRuleType<SignupConfig> = {
  type: 'signup',
  label: 'Signup bonus',
  config: signupConfig,
  trigger: 'signup',
  evaluate: (config, context) => (context.alreadyAwarded ? 0 : config.points),
};
