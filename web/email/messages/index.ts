// The registry of shopper emails: one file per message, each sent by its
// subscriber (web/subscribers/<event>/send-email.ts) or job (web/jobs/).
import abandonedCheckout from './abandoned-checkout.js';
import anniversary from './anniversary.js';
import birthday from './birthday.js';
import monthlyStatement from './monthly-statement.js';
import pointsAdjusted from './points-adjusted.js';
import pointsAvailable from './points-available.js';
import pointsEarned from './points-earned.js';
import pointsExpiring from './points-expiring.js';
import referralCompleted from './referral-completed.js';
import rewardExpiring from './reward-expiring.js';
import rewardUnlocked from './reward-unlocked.js';
import rewardIssued from './reward-issued.js';
import surveyInvite from './survey-invite.js';
import tierAtRisk from './tier-at-risk.js';
import tierDown from './tier-down.js';
import tierUp from './tier-up.js';
import { EMAIL_LOCALES, type EmailLocale, type MessageDefinition } from './types.js';
import welcome from './welcome.js';
import winBack from './win-back.js';

export * from './types.js';

// In the table order (the admin lists them so).
export const emailMessages: readonly MessageDefinition[] = [
  welcome,
  pointsEarned,
  pointsAvailable,
  rewardUnlocked,
  rewardIssued,
  rewardExpiring,
  pointsExpiring,
  tierUp,
  tierDown,
  tierAtRisk,
  birthday,
  anniversary,
  referralCompleted,
  monthlyStatement,
  winBack,
  abandonedCheckout,
  pointsAdjusted,
  surveyInvite,
];

const byKey = new Map(emailMessages.map((m) => [m.key, m]));

export function emailMessage(key: string): MessageDefinition | undefined {
  return byKey.get(key);
}

/**
 * The member's language among the six: exact ("zh-CN"), then by language ("fr-CA" → "fr", "zh-TW" → "zh-CN"),
 * else English.
 */
export function emailLocale(locale: string | null | undefined): EmailLocale {
  if (!locale) return 'en';
  const wanted = locale.trim().replace('_', '-').toLowerCase();
  const exact = EMAIL_LOCALES.find((l) => l.toLowerCase() === wanted);
  if (exact) return exact;
  const language = wanted.split('-')[0];
  return EMAIL_LOCALES.find((l) => l.split('-')[0]!.toLowerCase() === language) ?? 'en';
}
