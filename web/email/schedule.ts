// Good manners for reminder and marketing messages: a frequency cap (at most one per member per N days, a shop
// setting, default 3) and a send window in the shop's time zone (default 09:00–20:00). A message that may not go now
// is recorded `queued` with `notBefore` at the first moment it may; the send job hands it over then. Account messages
// (welcome, tier moves, a reward's code …) go at once.
//
// The cap counts the member's reminder and marketing rows that are sent, being sent or queued (a queued one holds its
// slot), so a second reminder waits until N days after the first. Two messages decided at the same instant for one
// member by two processes could both take the same slot (nothing locks the member here); the subscribers see one
// member's events in order and the jobs run one at a time, so in practice they are decided one after the other.
import type { Sql } from '../db/sql.js';
import { wallClock } from '../loyalty/domain/time.js';
import type { EmailCategory } from './messages/types.js';

export interface SendWindow {
  /** "HH:MM", local time, inclusive. */
  start: string;
  /** "HH:MM", local time, exclusive; before `start` means the window runs past midnight. */
  end: string;
}

export interface SchedulePolicy {
  timeZone: string;
  window: SendWindow;
  /** 0: no cap. */
  capDays: number;
}

const DAY_MS = 86_400_000;

/** Whether the category observes the cap and the window. */
export const isPaced = (category: EmailCategory) => category !== 'account';

const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** The instant the wall clock in `timeZone` shows year-month-day hh:mm (in a DST gap: the same wall time read with the offset before the gap, i.e. an hour later). */
export function zonedInstant(timeZone: string, year: number, month: number, day: number, minutes: number): Date {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  const offsetAt = (t: number) => {
    const w = wallClock(new Date(t), timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
  };
  let t = wall - offsetAt(wall);
  t = wall - offsetAt(t);
  return new Date(t);
}

/** Whether `at` falls inside the window, in the shop's time zone. */
export function inWindow(at: Date, timeZone: string, window: SendWindow): boolean {
  const w = wallClock(at, timeZone);
  const m = w.hour * 60 + w.minute;
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/** `at` if it is inside the window, else the window's next opening. */
export function nextInWindow(at: Date, timeZone: string, window: SendWindow): Date {
  if (inWindow(at, timeZone, window)) return at;
  const w = wallClock(at, timeZone);
  const start = minutesOf(window.start);
  // Outside the window, today's opening is still ahead unless the window already closed today: then tomorrow's.
  const today = zonedInstant(timeZone, w.year, w.month, w.day, start);
  if (today > at) return today;
  const next = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
  return zonedInstant(timeZone, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), start);
}

/**
 * When a paced message decided at `now` may go: not before `capDays` after the member's last paced message
 * (`lastPacedAt`), and inside the window. Equal to `now` when it may go at once.
 */
export function pacedSendTime(now: Date, policy: SchedulePolicy, lastPacedAt: Date | null): Date {
  let at = now;
  if (policy.capDays > 0 && lastPacedAt) {
    const free = new Date(lastPacedAt.getTime() + policy.capDays * DAY_MS);
    if (free > at) at = free;
  }
  return nextInWindow(at, policy.timeZone, policy.window);
}

/** When the member's latest reminder or marketing message went, or is due to go (null: none). */
export async function lastPacedSend(sql: Sql, shop: string, memberId: string, now: Date, capDays: number): Promise<Date | null> {
  const [row] = await sql.$queryRaw<Array<{ at: Date | null }>>`
    SELECT max(CASE WHEN status = 'sent' THEN COALESCE("sentAt", "createdAt")
                    WHEN status = 'sending' THEN ${now}::timestamp
                    ELSE "notBefore" END) AS at
    FROM "EmailSend"
    WHERE shop = ${shop} AND "memberId" = ${memberId} AND category IN ('reminder', 'marketing')
      AND status IN ('queued', 'sending', 'sent')
      -- A row scheduled further ahead than the cap (a delayed notice) does not hold today's slot.
      AND "notBefore" <= ${new Date(now.getTime() + capDays * DAY_MS)}`;
  return row?.at ?? null;
}
