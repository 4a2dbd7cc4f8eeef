// One error shape for every JSON endpoint: { error: { code, message, fields? } }.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}`));
};

/** Maps zod issues to a field → message map the admin UI can show inline. */
export function fieldErrors(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.join('.') || '_'] ??= issue.message;
  return fields;
}

/** Where a NUL character sits in parsed JSON ('' for the value itself), or null when there is none. */
function nulPath(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') : null;
  if (!value || typeof value !== 'object' || depth > 32) return null;
  for (const [key, child] of Object.entries(value)) {
    const found = key.includes('\u0000') ? [...path, key].join('.') : nulPath(child, [...path, key], depth + 1);
    if (found !== null) return found;
  }
  return null;
}

const nulRefused = (field: string) =>
  new HttpError(400, 'invalid_input', 'Text cannot contain a NUL character', { [field || '_']: 'cannot contain a NUL character' });

/**
 * PostgreSQL text cannot hold a NUL character (U+0000): refused up front, in
 * the path, the query or a JSON body, as a 400 naming the field.
 */
export const refuseNulCharacters: RequestHandler = (req, _res, next) => {
  if (/%00/i.test(req.originalUrl)) {
    const field = Object.entries(req.query).find(([, v]) => nulPath(v) !== null)?.[0];
    return next(nulRefused(field ?? 'path'));
  }
  const field = nulPath(req.body);
  next(field === null ? undefined : nulRefused(field));
};

/** PostgreSQL's errors for text it cannot store (a NUL character, a broken encoding): the input's fault. */
const UNSTORABLE_TEXT = new Set(['22P05', '22021']);

/** The codes an error carries: pg's own, or PostgreSQL's inside Prisma's driver-adapter error (P2010 wraps it in meta). */
function errorCodes(err: unknown): unknown[] {
  const e = err as {
    code?: unknown;
    cause?: { originalCode?: unknown };
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
  } | null;
  return [e?.code, e?.cause?.originalCode, e?.meta?.driverAdapterError?.cause?.originalCode];
}

export const errorMiddleware: ErrorRequestHandler = (err, req, res, _next) => {
  if (err instanceof ZodError) err = new HttpError(400, 'invalid_input', 'The request is invalid', fieldErrors(err));
  if (errorCodes(err).some((code) => UNSTORABLE_TEXT.has(code as string)))
    err = new HttpError(400, 'invalid_input', 'The request holds text that cannot be stored (a NUL character?)');
  // body-parser errors carry a status and a type (entity.too.large, entity.parse.failed).
  if (!(err instanceof HttpError) && typeof err?.status === 'number' && err.status < 500) {
    const code = err.type === 'entity.too.large' ? 'payload_too_large' : 'bad_request';
    err = new HttpError(err.status, code, err.type === 'entity.too.large' ? 'Request body too large' : err.message);
  }
  const known = err instanceof HttpError;
  const status = known ? err.status : 503 === err?.status ? 503 : 500;
  if (!known) req.log?.error({ err }, 'request failed');
  if (res.headersSent) return;
  res.status(status).json({
    error: {
      code: known ? err.code : 'internal_error',
      message: known ? err.message : 'Something went wrong; it has been logged',
      ...(known && err.fields ? { fields: err.fields } : {}),
    },
  });
};
