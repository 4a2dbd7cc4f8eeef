// What every admin route needs: the token's shop, and input checked by a
// domain parser turned into the one error shape with field-level messages.
import type { Request } from 'express';
import { HttpError } from '../../http/errors.js';
import type { Parsed } from '../../loyalty/domain/validation.js';

/** The shop of the session token; requireSessionToken guarantees it on /api/admin. */
export function shopOf(req: Request): string {
  if (!req.shop) throw new HttpError(401, 'unauthenticated', 'No shop on the request');
  return req.shop;
}

/** The parsed value, or a 400 `invalid_input` naming each wrong field (under `prefix.` when given). */
export function valid<T>(parsed: Parsed<T>, prefix = ''): T {
  if (parsed.ok) return parsed.value;
  const fields: Record<string, string> = {};
  for (const [key, message] of Object.entries(parsed.errors)) fields[prefix ? (key ? `${prefix}.${key}` : prefix) : key || '_'] = message;
  throw new HttpError(400, 'invalid_input', 'Some fields need attention', fields);
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `No such ${what}`);
