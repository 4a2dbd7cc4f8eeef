// Tally's backend as the extension calls it: /api/extension on the app's own
// origin, with a fresh session token each time (sessionToken.get() caches it).
import { host } from './host.js';

/** The app's URL. Set it to your app's application_url (shopify.app.toml) before `shopify app deploy`. */
const DEFAULT_APP_URL = 'https://example.com';
// The app's own build (scripts/build-thank-you.ts) defines this for the local harness and the dev server.
declare const __TALLY_APP_URL__: string | undefined;
export const APP_URL = typeof __TALLY_APP_URL__ === 'string' ? __TALLY_APP_URL__ : DEFAULT_APP_URL;

export interface Question {
  key: string;
  text: string;
  scale: { min: number; max: number };
}

export interface DueSurvey {
  id: string;
  type: 'csat' | 'nps';
  questions: Question[];
  commentPrompt: string;
  pointsForAnswer: number;
}

export interface OrderAnswer {
  /** null: Tally has not seen the order yet (its webhook may arrive after the page loads). */
  order: { points: number; status: 'earned' | 'pending'; availableAt: string | null; member: boolean } | null;
  survey: DueSurvey | null;
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = await host().sessionToken.get();
  const res = await fetch(`${APP_URL}/api/extension${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  if (!res.ok) throw new Error(`Tally answered ${res.status}`);
  return (await res.json()) as T;
}

export const loadOrder = (orderId: string, locale: string) =>
  call<OrderAnswer>(`/order?orderId=${encodeURIComponent(orderId)}&locale=${encodeURIComponent(locale)}`);

export const sendAnswer = (
  surveyId: string,
  body: { answers: Record<string, number>; comment?: string; channel: string; orderId: string },
) => call<{ pointsAwarded: number }>(`/surveys/${encodeURIComponent(surveyId)}/responses`, { method: 'POST', body: JSON.stringify(body) });
