// Redemption benchmark: shoppers redeeming through the app proxy while Tally
// creates each code in the Admin stand-in (which charges query cost and
// throttles like a standard Shopify plan: bucket 2000, 100 points/s).
//   - throughput and latency of redemptions, beside a bare Node server
//     measured in the same run;
//   - Admin API cost per redemption, hence what a standard (100 points/s)
//     and a Plus (1000 points/s) shop can sustain;
//   - a burst larger than the bucket: the throttled ones wait in the job
//     queue and are all issued, none lost.
// A few seeded members redeem hundreds of times from one address, far beyond
// the storefront's rate limits: the bench runs with TALLY_RATE_LIMITS=off.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import { DEV_API_SECRET, DEV_SHOP, loadConfig } from '../../web/config.js';
import { startTally } from '../../web/start.js';
import { adjust } from '../../web/loyalty/ledger.js';
import { checkLedger } from '../../web/loyalty/doctor.js';
import { signedProxyQuery } from '../../web/shopify/signing.js';

// 150 × 10 points fits a full standard bucket (2000), so the steady run measures Tally, not the throttle.
const REDEMPTIONS = Number(process.env.BENCH_REDEMPTIONS ?? 150);
const BURST = Number(process.env.BENCH_BURST ?? 600);
const CONCURRENCY = 16;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function drive(count: number, concurrency: number, one: (i: number) => Promise<number>) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const start = performance.now();
        await one(i);
        latencies.push(performance.now() - start);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: count / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies.at(-1) ?? NaN };
}

async function bareNode() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const result = await drive(REDEMPTIONS * 5, CONCURRENCY, async () => (await fetch(url, { method: 'POST', body: '{}' })).status);
  server.close();
  return result;
}

async function main() {
  const bare = await bareNode();
  const tally = await startTally(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      TALLY_DATA_DIR: 'memory://',
      TALLY_SEED: 'true',
      LOG_LEVEL: 'silent',
      TALLY_RATE_LIMITS: 'off',
    }),
    { frontend: false },
  );
  try {
    const reward = await tally.db.prisma.reward.findFirstOrThrow({ where: { shop: DEV_SHOP, name: 'Free shipping for 300 points' } });
    const members = await tally.db.prisma.member.findMany({ where: { shop: DEV_SHOP }, select: { id: true, customerId: true } });
    await tally.db.prisma.$transaction(async (tx) => {
      for (const m of members)
        await adjust(tx, {
          shop: DEV_SHOP,
          memberId: m.id,
          points: 1_000_000,
          reason: 'bench',
          actor: 'bench',
          idempotencyKey: `bench:${m.id}`,
        });
    });
    const redeem = async (i: number) => {
      const m = members[i % members.length]!;
      const q = signedProxyQuery({ shop: DEV_SHOP, customerId: m.customerId.split('/').pop()! }, DEV_API_SECRET);
      const res = await fetch(`${tally.url}/proxy/redemptions?${q}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rewardId: reward.id, idempotencyKey: randomUUID() }),
      });
      await res.arrayBuffer();
      return res.status;
    };

    // 1. Steady: a bucket big enough not to throttle, to measure Tally itself.
    tally.standin!.control.reset();
    const before = tally.standin!.state.requests.length;
    const steady = await drive(REDEMPTIONS, CONCURRENCY, redeem);
    const ops = tally.standin!.state.requests.slice(before).filter((r) => r.outcome === 'ok');
    const cost = ops.reduce((s, r) => s + (r.cost ?? 0), 0) / REDEMPTIONS;

    // 2. Burst: more redemptions at once than a standard shop's bucket allows.
    const burstStart = performance.now();
    const statuses = await Promise.all(Array.from({ length: BURST }, (_, i) => redeem(i)));
    const answered = (performance.now() - burstStart) / 1000;
    const counts = async () =>
      Object.fromEntries(
        (await tally.db.pool.query(`SELECT status, count(*)::int AS n FROM "Redemption" GROUP BY status`)).rows.map((r) => [r.status, r.n]),
      );
    let c = await counts();
    const deadline = Date.now() + 180_000;
    while ((c.PENDING ?? 0) > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      c = await counts();
    }
    const drained = (performance.now() - burstStart) / 1000;
    const doctor = await checkLedger(tally.db.prisma);

    const lines = [
      '# Tally benchmark: redemptions',
      '',
      `- date: ${new Date().toISOString()}; Node ${process.version}; embedded database; Admin API stand-in in the same process`,
      `- steady: ${REDEMPTIONS} redemptions, ${CONCURRENCY} at a time; burst: ${BURST} at once`,
      '',
      '| scenario | per second | p50 ms | p99 ms | max ms | vs baseline |',
      '|---|---:|---:|---:|---:|---|',
      `| bare Node HTTP POST (baseline) | ${bare.perSecond.toFixed(0)} | ${bare.p50.toFixed(1)} | ${bare.p99.toFixed(1)} | ${bare.max.toFixed(1)} | 1.000× |`,
      `| redemption: debit + discountCodeBasicCreate | ${steady.perSecond.toFixed(0)} | ${steady.p50.toFixed(1)} | ${steady.p99.toFixed(1)} | ${steady.max.toFixed(1)} | ${(steady.perSecond / bare.perSecond).toFixed(3)}× |`,
      '',
      `- Admin API cost per redemption: ${cost.toFixed(1)} points (one mutation; measured from the stand-in's cost accounting).`,
      `- Sustained by Shopify's rate limit: standard plan (100 points/s) ${(100 / cost).toFixed(0)} redemptions/s; Plus (1000 points/s) ${(1000 / cost).toFixed(0)} redemptions/s; a full bucket (2000 points) absorbs a burst of ${(2000 / cost).toFixed(0)} at once.`,
      `- Burst of ${BURST}: all answered in ${answered.toFixed(1)} s (${statuses.filter((s) => s === 201).length} × 201); codes issued at once or by the job queue as the bucket refilled; after ${drained.toFixed(1)} s: ${JSON.stringify(c)} — ${c.PENDING ? `${c.PENDING} STILL PENDING` : c.FAILED ? 'some failed (points returned)' : 'every code issued, none lost, none failed'}.`,
      `- Doctor: ${doctor.offenders.length} of ${doctor.members} members differ from their ledger.`,
    ];
    const text = lines.join('\n');
    console.log(text);
    mkdirSync('tests/bench/results', { recursive: true });
    writeFileSync('tests/bench/results/redemptions.md', `${text}\n`);
    if (doctor.offenders.length > 0 || c.FAILED || c.PENDING) process.exitCode = 1;
  } finally {
    await tally.close();
  }
}

await main();
