// The admin's date range counts days to the shop's today (its time zone), as the server does: an admin whose
// browser is behind the shop would otherwise leave the shop's current day out of "Last 7 days".
import { describe, expect, it } from 'vitest';
import { lastDays, shopToday } from '../../web/frontend/src/components/DateRangePicker.js';

const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

describe('shopToday', () => {
  const lateEvening = new Date('2026-12-07T23:30:00Z');
  it("is the shop's calendar day, not the browser's", () => {
    expect(day(shopToday('Europe/Warsaw', lateEvening))).toBe('2026-12-08');
    expect(day(shopToday('America/New_York', lateEvening))).toBe('2026-12-07');
    expect(day(shopToday('Pacific/Kiritimati', new Date('2026-12-31T10:30:00Z')))).toBe('2027-01-01');
    expect(day(shopToday('Pacific/Pago_Pago', new Date('2027-01-01T10:30:00Z')))).toBe('2026-12-31');
  });

  it("counts the last N days to the shop's today, across a month", () => {
    expect(lastDays(7, shopToday('Europe/Warsaw', lateEvening))).toEqual({ from: '2026-12-02', to: '2026-12-08' });
    expect(lastDays(30, shopToday('Asia/Tokyo', new Date('2027-03-01T00:30:00Z')))).toEqual({ from: '2027-01-31', to: '2027-03-01' });
  });

  it("falls back to the browser's today while the shop's zone is unknown", () => {
    const now = new Date(2026, 11, 7, 15, 0);
    expect(day(shopToday(undefined, now))).toBe('2026-12-07');
  });
});
