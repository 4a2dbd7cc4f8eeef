// Segments (web/segments): the eleven RFM segments and the merchant's rule
// segments, their members, the builder's live preview and the RFM refresh.
// Rule trees are checked by web/segments/rules.ts's schema: a wrong field,
// operator or value answers 400 invalid_input naming it (rules.all.0.field …).
import { Router } from 'express';
import { z } from 'zod';
import type { Jobs } from '../../jobs/index.js';
import type { LoyaltyDeps } from '../../loyalty/services.js';
import { ruleTree } from '../../segments/rules.js';
import {
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  previewRules,
  segmentMembers,
  segmentsOfMember,
  setRfmSync,
  updateSegment,
} from '../../segments/store.js';
import { notFound, shopOf } from './shared.js';

const name = z.string().trim().min(1, 'a name').max(100);
const createBody = z.object({ name, rules: ruleTree, syncToShopify: z.boolean().optional() });
const updateBody = z.object({ name: name.optional(), rules: ruleTree.optional(), syncToShopify: z.boolean().optional() });
const rfmBody = z.object({ syncToShopify: z.boolean() }).strict();
const membersQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(50) });

const memberOut = (m: { id: string; customerId: string; email: string | null; firstName: string | null; lastName: string | null }) => m;

export function segmentRoutes(deps: Pick<LoyaltyDeps, 'pool'> & { jobs: Pick<Jobs, 'enqueue'> }): Router {
  const router = Router();

  router.get('/segments', async (req, res) => {
    res.json({ segments: await listSegments(deps, shopOf(req)) });
  });

  // Shopify follows a synced segment's changes (tags, its customer segment) in the sync-segment-tags job.
  const syncShopify = (shop: string) => deps.jobs.enqueue('sync-segment-tags', { shop });

  router.post('/segments', async (req, res) => {
    const body = createBody.parse(req.body);
    const segment = await createSegment(deps, shopOf(req), body);
    if (segment.syncToShopify) await syncShopify(shopOf(req));
    res.status(201).json({ segment });
  });

  router.post('/segments/preview', async (req, res) => {
    const { rules } = z.object({ rules: ruleTree }).parse(req.body);
    res.json(await previewRules(deps, shopOf(req), rules));
  });

  // Recomputes the RFM scores now, in the background job; GET /segments shows the result once it ran.
  router.post('/segments/refresh', async (req, res) => {
    const job = await deps.jobs.enqueue('refresh-segments', { shop: shopOf(req) });
    res.status(202).json({ queued: true, job });
  });

  router.get('/segments/:id', async (req, res) => {
    const segment = await getSegment(deps, shopOf(req), req.params.id);
    if (!segment) throw notFound('segment');
    res.json({ segment });
  });

  // An RFM segment's only setting is its Shopify sync; a rule segment's name, rules and sync.
  router.put('/segments/:id', async (req, res) => {
    const rfm = req.params.id.startsWith('rfm:');
    if (rfm && !rfmBody.safeParse(req.body).success) throw notFound('rule segment');
    const body = rfm ? rfmBody.parse(req.body) : updateBody.parse(req.body);
    const segment = rfm
      ? await setRfmSync(deps, shopOf(req), req.params.id, body.syncToShopify!)
      : await updateSegment(deps, shopOf(req), req.params.id, body);
    if (!segment) throw notFound('segment');
    if (segment.syncToShopify || body.syncToShopify !== undefined) await syncShopify(shopOf(req));
    res.json({ segment });
  });

  router.delete('/segments/:id', async (req, res) => {
    if (!(await deleteSegment(deps, shopOf(req), req.params.id))) throw notFound('segment');
    await syncShopify(shopOf(req));
    res.status(204).end();
  });

  // The member page: the member's segments (as last computed) and RFM scores.
  router.get('/members/:id/segments', async (req, res) => {
    const found = await segmentsOfMember(deps, shopOf(req), req.params.id);
    if (!found) throw notFound('member');
    res.json(found);
  });

  router.get('/segments/:id/members', async (req, res) => {
    const { limit } = membersQuery.parse(req.query);
    const members = await segmentMembers(deps, shopOf(req), req.params.id, limit);
    if (!members) throw notFound('segment');
    res.json({ members: members.map(memberOut) });
  });

  return router;
}
