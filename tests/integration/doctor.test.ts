import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { checkLedger } from '../../web/loyalty/doctor.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { TALLY_WORKER: 'false' } });
});
afterAll(async () => {
  await app?.close();
});

describe('the doctor', () => {
  it('passes the seeded shop and names a member whose cached balance drifted from the ledger', async () => {
    expect(await checkLedger(app.prisma)).toMatchObject({ members: 36, offenders: [] });
    const victim = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP } });
    await app.prisma.member.update({ where: { id: victim.id }, data: { lifetimeRedeemed: { increment: 5 } } });
    const { offenders } = await checkLedger(app.prisma);
    expect(offenders).toEqual([
      expect.objectContaining({ memberId: victim.id, cached: expect.objectContaining({ lifetimeRedeemed: victim.lifetimeRedeemed + 5 }), ledger: expect.objectContaining({ lifetimeRedeemed: victim.lifetimeRedeemed }) }),
    ]);
  });
});
