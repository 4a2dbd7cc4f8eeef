// Imports (issue 16): the member CSV import. The file is the request body
// (Content-Type text/csv), streamed: never parsed as JSON nor held whole.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import type { Jobs } from '../../jobs/index.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { dryRunMembers, findImport, listImports, startMemberImport, startUndo } from '../../imports/members.js';
import { byteLimit } from '../../imports/spool.js';
import { startHistoryImport } from '../../imports/history.js';
import { notFound, shopOf } from './shared.js';

const memberQuery = z.object({
  mode: z.enum(['dry-run', 'apply']),
  balance: z.enum(['set', 'add']).default('set'),
});

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day, YYYY-MM-DD');
const historyBody = z.object({
  since: day,
  awardPointsSince: day.nullable().default(null),
  preview: z.boolean().default(false),
});

/** The body as a stream, once the request says it is CSV. */
function csvBody(req: Request) {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'text/csv')
    throw new HttpError(415, 'unsupported_media_type', 'Send the file as the request body with Content-Type: text/csv');
  if (req.headers['content-length'] === '0') throw new HttpError(400, 'empty_file', 'The file is empty');
  const limited = byteLimit();
  req.on('error', (err) => limited.destroy(err));
  return req.pipe(limited);
}

export function importRoutes(deps: Pick<LoyaltyDeps, 'prisma' | 'programs'> & { jobs: Pick<Jobs, 'enqueue'> }): Router {
  const router = Router();

  router.post('/imports/members', async (req, res) => {
    const query = memberQuery.parse(req.query);
    const body = csvBody(req);
    if (query.mode === 'dry-run') {
      res.json({ import: await dryRunMembers(deps, shopOf(req), body) });
      return;
    }
    res.status(202).json({ import: await startMemberImport(deps, shopOf(req), body, query.balance) });
  });

  // Past orders since a day, through a Shopify bulk operation (web/imports/history.ts).
  router.post('/imports/history', async (req, res) => {
    const body = historyBody.parse(req.body ?? {});
    res.status(202).json({ import: await startHistoryImport(deps, shopOf(req), body) });
  });

  router.get('/imports', async (req, res) => {
    res.json({ imports: await listImports(deps, shopOf(req)) });
  });

  router.get('/imports/:id', async (req, res) => {
    const found = await findImport(deps, shopOf(req), req.params.id);
    if (!found) throw notFound('import');
    res.json({ import: found });
  });

  router.post('/imports/:id/undo', async (req, res) => {
    const started = await startUndo(deps, shopOf(req), req.params.id);
    if (!started) throw notFound('import');
    res.status(202).json({ import: started });
  });

  return router;
}
