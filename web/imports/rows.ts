// One CSV row of a member import, checked: the errors name the row (data rows
// counted from 1, the header is not a row), the column as the file spells it,
// and the reason. Duplicates are found across the whole file with a map of
// 52-bit digests of the member's key to their row, in two typed arrays (no
// strings, no Map entries: 2M keys of a 1M-row file take 48 MB, not ~150).
import { createHash } from 'node:crypto';
import type { Field, Layout } from './formats.js';

export interface RowError {
  row: number;
  column: string | null;
  message: string;
}

export interface MemberRow {
  row: number;
  email: string | null;
  /** A Shopify Customer GID, or null (then the email finds the member, or holds the points for them). */
  customerId: string | null;
  points: number;
  birthday: Date | null;
  /** The program's tier id the file names (matched by name, case-insensitively). */
  tierId: string | null;
  firstName: string | null;
  lastName: string | null;
}

const EMAIL = /^[^\s@",;<>()[\]]+@[^\s@",;<>()[\]]+\.[^\s@",;<>()[\]]+$/;
const GID = /^gid:\/\/shopify\/Customer\/([1-9]\d{0,19})$/;
const NUMERIC_ID = /^[1-9]\d{0,19}$/;

/** 52 bits of a SHA-1: collisions among 10^6 keys are about one in 10^3 million. */
function digest(key: string): number {
  const h = createHash('sha1').update(key).digest();
  return h.readUIntBE(0, 6) * 16 + (h[6]! >> 4);
}

/** Parses a date as files write it: YYYY-MM-DD (or a timestamp starting so), MM/DD/YYYY, or MM/DD (a birthday without year). */
export function parseDate(value: string): Date | null | 'invalid' {
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(value);
  if (match) [y, m, d] = [+match[1]!, +match[2]!, +match[3]!];
  else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value))) [y, m, d] = [+match[3]!, +match[1]!, +match[2]!];
  else if ((match = /^(\d{1,2})\/(\d{1,2})$/.exec(value))) [y, m, d] = [2000, +match[1]!, +match[2]!];
  else return 'invalid';
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900) return 'invalid';
  return date;
}

/**
 * Digest → first row, open addressing in typed arrays (a row is ≥ 1, so 0 marks a free slot); grows at half full.
 * Exported for its test.
 */
export class DigestRows {
  private keys = new Float64Array(1024);
  private rows = new Int32Array(1024);
  private count = 0;

  private slot(key: number): number {
    const mask = this.keys.length - 1;
    // The digest's bits are uniform: its low ones are the start (exact: the key is an integer below 2^53).
    for (let i = key % this.keys.length; ; i = (i + 1) & mask) {
      if (this.rows[i] === 0 || this.keys[i] === key) return i;
    }
  }

  get(key: number): number | undefined {
    const row = this.rows[this.slot(key)]!;
    return row === 0 ? undefined : row;
  }

  set(key: number, row: number): void {
    const i = this.slot(key);
    if (this.rows[i] === 0) {
      this.count += 1;
      this.keys[i] = key;
    }
    this.rows[i] = row;
    if (this.count * 2 > this.keys.length) this.grow();
  }

  get size(): number {
    return this.count;
  }

  private grow(): void {
    const { keys, rows } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.rows = new Int32Array(rows.length * 2);
    for (let i = 0; i < keys.length; i++) {
      if (rows[i] === 0) continue;
      const j = this.slot(keys[i]!);
      this.keys[j] = keys[i]!;
      this.rows[j] = rows[i]!;
    }
  }
}

export interface Validator {
  check(record: readonly string[], row: number): { row: MemberRow | null; errors: RowError[] };
}

/** A validator for one file: its layout, the program's tiers (name → id) and today (dates after it are refused). */
export function validator(layout: Layout, tiers: ReadonlyArray<{ id: string; name: string }>, now = new Date()): Validator {
  const tierIds = new Map(tiers.map((t) => [t.name.trim().toLowerCase(), t.id]));
  const seen = new DigestRows();
  const { fields } = layout;
  const cell = (record: readonly string[], field: Field) => {
    const at = fields[field];
    const value = at ? record[at.index]?.trim() : undefined;
    return value ? value : null;
  };
  const column = (field: Field) => fields[field]?.header ?? null;

  return {
    check(record, row) {
      const errors: RowError[] = [];
      const fail = (field: Field, message: string) => errors.push({ row, column: column(field), message });

      let email = cell(record, 'email');
      if (email !== null) {
        email = email.toLowerCase();
        if (!EMAIL.test(email) || email.length > 254) fail('email', `"${email.slice(0, 80)}" is not an email address`);
      }
      let customerId: string | null = null;
      const rawId = cell(record, 'customerId');
      if (rawId !== null) {
        const gid = GID.exec(rawId);
        if (gid) customerId = rawId;
        else if (NUMERIC_ID.test(rawId)) customerId = `gid://shopify/Customer/${rawId}`;
        else if (rawId.toLowerCase().startsWith('guest:')) {
          // Tally's export names a guest by its email: the email finds them again.
          const guestEmail = rawId.slice('guest:'.length).toLowerCase();
          if (email === null && EMAIL.test(guestEmail)) email = guestEmail;
        } else fail('customerId', `"${rawId.slice(0, 80)}" is not a Shopify customer id (a number or gid://shopify/Customer/…)`);
      }
      if (email === null && customerId === null && !errors.some((e) => e.column === column('customerId'))) {
        errors.push({ row, column: column('email') ?? column('customerId'), message: 'An email or a customer id is needed' });
      }

      let points = 0;
      const rawPoints = cell(record, 'points');
      if (rawPoints === null) fail('points', 'Points are missing');
      else if (/^-\d+$/.test(rawPoints)) fail('points', `Points cannot be negative (${rawPoints})`);
      else if (!/^\d+$/.test(rawPoints)) fail('points', `"${rawPoints.slice(0, 40)}" is not a whole number of points`);
      else {
        points = Number(rawPoints);
        if (!Number.isSafeInteger(points)) fail('points', `${rawPoints} points is more than Tally counts exactly`);
      }

      let birthday: Date | null = null;
      const rawBirthday = cell(record, 'birthday');
      if (rawBirthday !== null) {
        const parsed = parseDate(rawBirthday);
        if (parsed === 'invalid') fail('birthday', `"${rawBirthday.slice(0, 40)}" is not a date (YYYY-MM-DD, MM/DD/YYYY or MM/DD)`);
        else if (parsed && parsed.getTime() > now.getTime()) fail('birthday', `${rawBirthday} is in the future`);
        else birthday = parsed;
      }

      let tierId: string | null = null;
      const rawTier = cell(record, 'tier');
      if (rawTier !== null) {
        tierId = tierIds.get(rawTier.toLowerCase()) ?? null;
        if (!tierId)
          fail(
            'tier',
            tiers.length
              ? `No tier named "${rawTier.slice(0, 80)}" (tiers: ${tiers.map((t) => t.name).join(', ')})`
              : `The program has no tiers ("${rawTier.slice(0, 80)}")`,
          );
      }

      // The same member twice: the second row is refused (which balance would be meant?).
      const keys = [customerId && `c:${customerId}`, email && `e:${email}`].filter((k): k is string => Boolean(k));
      for (const key of keys) {
        const first = seen.get(digest(key));
        if (first !== undefined && first !== row) {
          const what = key.startsWith('c:') ? 'customer id' : 'email';
          errors.push({
            row,
            column: column(key.startsWith('c:') ? 'customerId' : 'email'),
            message: `Duplicate row: the same ${what} as row ${first}`,
          });
          break;
        }
      }
      if (errors.length === 0) for (const key of keys) seen.set(digest(key), row);

      if (errors.length > 0) return { row: null, errors };
      return {
        row: { row, email, customerId, points, birthday, tierId, firstName: cell(record, 'firstName'), lastName: cell(record, 'lastName') },
        errors,
      };
    },
  };
}
