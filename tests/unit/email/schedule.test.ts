// Pacing of reminder and marketing emails with fixed clocks: the send window in the shop's time zone (DST and
// date-line edges included) and the frequency cap.
import { describe, expect, it } from 'vitest';
import { inWindow, nextInWindow, pacedSendTime, zonedInstant } from '../../../web/email/schedule.js';
import { emailSettingsInput, parseEmailSettings } from '../../../web/email/settings.js';

const day = { start: '09:00', end: '20:00' };
const at = (iso: string) => new Date(iso);

describe('send window', () => {
  it('lets a message go at once inside the window and holds it to the next opening outside, in the shop time zone', () => {
    // 10:00 UTC is 19:00 in Tokyo: inside; 11:00 UTC is 20:00 there: closed (the end is exclusive) until 09:00 tomorrow.
    expect(nextInWindow(at('2026-12-07T10:00:00Z'), 'Asia/Tokyo', day)).toEqual(at('2026-12-07T10:00:00Z'));
    expect(nextInWindow(at('2026-12-07T11:00:00Z'), 'Asia/Tokyo', day)).toEqual(at('2026-12-08T00:00:00Z'));
    // 23:30 UTC on the 7th is already 08:30 on the 8th in Tokyo: the same local morning, 30 minutes later.
    expect(nextInWindow(at('2026-12-07T23:30:00Z'), 'Asia/Tokyo', day)).toEqual(at('2026-12-08T00:00:00Z'));
    // 03:00 UTC is 22:00 the evening before in New York (EST, UTC−5): tomorrow's 09:00 local is 14:00 UTC.
    expect(nextInWindow(at('2026-12-08T03:00:00Z'), 'America/New_York', day)).toEqual(at('2026-12-08T14:00:00Z'));
    expect(inWindow(at('2026-12-07T08:59:59Z'), 'UTC', day)).toBe(false);
    expect(inWindow(at('2026-12-07T09:00:00Z'), 'UTC', day)).toBe(true);
  });

  it('opens at 09:00 local across a daylight-saving change (New York springs forward on 8 March 2026)', () => {
    // 21:00 EST on 7 March; the next 09:00 is on the 8th, already EDT (UTC−4): 13:00 UTC, not 14:00.
    expect(nextInWindow(at('2026-03-08T02:00:00Z'), 'America/New_York', day)).toEqual(at('2026-03-08T13:00:00Z'));
    // Paris falls back on 25 October 2026: 09:00 on the 25th is UTC+1 (08:00 UTC), on the 24th UTC+2 (07:00 UTC).
    expect(nextInWindow(at('2026-10-24T19:30:00Z'), 'Europe/Paris', day)).toEqual(at('2026-10-25T08:00:00Z'));
    expect(zonedInstant('Europe/Paris', 2026, 10, 24, 9 * 60)).toEqual(at('2026-10-24T07:00:00Z'));
  });

  it('handles a window that runs past midnight and one in a zone on the far side of the date line', () => {
    const night = { start: '22:00', end: '02:00' };
    expect(inWindow(at('2026-12-07T23:00:00Z'), 'UTC', night)).toBe(true);
    expect(inWindow(at('2026-12-08T01:59:00Z'), 'UTC', night)).toBe(true);
    expect(nextInWindow(at('2026-12-08T02:00:00Z'), 'UTC', night)).toEqual(at('2026-12-08T22:00:00Z'));
    // Kiritimati is UTC+14: 19:30 UTC on the 7th is 09:30 on the 8th there: inside.
    expect(inWindow(at('2026-12-07T19:30:00Z'), 'Pacific/Kiritimati', day)).toBe(true);
    // Pago Pago is UTC−11: 08:00 UTC on the 8th is 21:00 on the 7th there; it opens at 09:00 on the 8th (20:00 UTC).
    expect(nextInWindow(at('2026-12-08T08:00:00Z'), 'Pacific/Pago_Pago', day)).toEqual(at('2026-12-08T20:00:00Z'));
  });
});

describe('frequency cap', () => {
  const policy = { timeZone: 'Europe/Berlin', window: day, capDays: 3 };
  it('holds a second paced message until N days after the last one, then into the window', () => {
    const now = at('2026-12-07T12:00:00Z');
    expect(pacedSendTime(now, policy, null)).toEqual(now);
    expect(pacedSendTime(now, policy, at('2026-12-04T11:59:00Z'))).toEqual(now);
    // Last one 06 Dec 10:00 UTC → free on 09 Dec 10:00 UTC (11:00 Berlin, inside the window).
    expect(pacedSendTime(now, policy, at('2026-12-06T10:00:00Z'))).toEqual(at('2026-12-09T10:00:00Z'));
    // Last one 06 Dec 19:30 UTC → free 09 Dec 19:30 UTC = 20:30 Berlin, closed → 10 Dec 09:00 Berlin (08:00 UTC).
    expect(pacedSendTime(now, policy, at('2026-12-06T19:30:00Z'))).toEqual(at('2026-12-10T08:00:00Z'));
    // A cap of 0 days: only the window.
    expect(pacedSendTime(now, { ...policy, capDays: 0 }, at('2026-12-07T11:00:00Z'))).toEqual(now);
  });
});

describe('email settings', () => {
  it('fills in the defaults (cap 3 days, 09:00–20:00, win-back after 120 days) and keeps what validates', () => {
    expect(parseEmailSettings({})).toMatchObject({ frequencyCapDays: 3, sendWindow: { start: '09:00', end: '20:00' }, winBackDays: 120 });
    expect(parseEmailSettings({ frequencyCapDays: 7, sendWindow: { start: '25:00', end: '20:00' } })).toMatchObject({
      frequencyCapDays: 7,
      sendWindow: { start: '09:00', end: '20:00' },
    });
  });

  it('refuses invalid input from the admin with the field that is wrong', () => {
    const bad = emailSettingsInput.safeParse({ frequencyCapDays: -1, sendWindow: { start: '9am', end: '20:00' } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['frequencyCapDays', 'sendWindow.start']);
    expect(emailSettingsInput.safeParse({ sendWindow: { start: '10:00', end: '10:00' } }).error!.issues[0]!.path).toEqual([
      'sendWindow',
      'end',
    ]);
    expect(emailSettingsInput.safeParse({ frequencyCapDays: 5, sendWindow: { start: '08:30', end: '21:00' } }).success).toBe(true);
  });
});
