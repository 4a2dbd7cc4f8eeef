import { Router } from 'express';

/** GET /healthz — 200 when the app and its database answer (`databaseAnswers` resolves), 503 otherwise. */
export function healthRoutes(databaseAnswers: () => Promise<unknown>, startedAt = Date.now()): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const t0 = performance.now();
    try {
      await databaseAnswers();
      res.json({
        status: 'ok',
        database: 'up',
        databaseMs: Math.round(performance.now() - t0),
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'down' });
    }
  });
  return router;
}
