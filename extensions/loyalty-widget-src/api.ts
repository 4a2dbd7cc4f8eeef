// Calls to the app proxy. The storefront's own origin forwards /apps/tally/*
// to Tally with Shopify's signature; the shopper is whoever Shopify says is
// logged in, so nothing here sends a customer id.
import { cookieAttributes, mayKeepDeviceId } from './consent.js';
import type { Member, Program, Recommendation, Redemption, Reward, Survey } from './types.js';

/** 13 months: the longest an identifying cookie should live (it is renewed on each visit). */
const DEVICE_DAYS = 395;

export class ProxyError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/**
 * This browser's id (first-party cookie tally_device, shared with the
 * referral landing page): Tally remembers it as the member's, so a "friend"
 * arriving through their own link from the same browser is recognised.
 * None (and no cookie) until the shopper's consent allows it.
 */
async function deviceQuery(): Promise<string> {
  if (!(await mayKeepDeviceId())) return '';
  const id = /tally_device=([\w-]+)/.exec(document.cookie)?.[1] ?? crypto.randomUUID();
  document.cookie = `tally_device=${id}${cookieAttributes(DEVICE_DAYS)}`;
  return `?device=${id}`;
}

export function proxyClient(base: string) {
  /** GET, or POST when there is a body. Same origin, so Shopify's session cookie identifies the shopper. */
  async function call<T>(path: string, body?: unknown): Promise<T> {
    const response = await fetch(
      base + path,
      body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {},
    );
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new ProxyError(json?.error?.code ?? 'error');
    return json as T;
  }
  return {
    member: async () =>
      call<{ member: Member | null; program: Program | null; recommendations?: Recommendation[] }>(`/member${await deviceQuery()}`),
    rewards: () => call<{ rewards: Reward[] }>('/rewards'),
    redeem: (rewardId: string, idempotencyKey: string, points?: number) =>
      call<{ redemption: Redemption }>('/redemptions', { rewardId, idempotencyKey, points }),
    redemption: (id: string) => call<{ redemption: Redemption }>(`/redemptions/${id}`),
    survey: (locale: string) => call<{ survey: Survey | null }>(`/surveys/next?locale=${encodeURIComponent(locale)}`),
    answerSurvey: (id: string, answers: Record<string, number>, comment: string) =>
      call<{ pointsAwarded: number }>(`/surveys/${encodeURIComponent(id)}/responses`, { answers, comment }),
    saveBirthday: (month: number, day: number) => call<{ birthday: { month: number; day: number } }>('/birthday', { month, day }),
  };
}

export type ProxyClient = ReturnType<typeof proxyClient>;
