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

export const errorMiddleware: ErrorRequestHandler = (err, req, res, _next) => {
  if (err instanceof ZodError) err = new HttpError(400, 'invalid_input', 'The request is invalid', fieldErrors(err));
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
