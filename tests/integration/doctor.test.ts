import { describe, expect, it } from 'vitest';
import { DEV_SHOP } from '../../web/config.js';
import { checkLedger } from '../../web/loyalty/doctor.js';
import { useTestApp } from '../helpers/app.js';

const app = useTestApp({ env: { TALLY_WORKER: 'false' } });

describe('the doctor', () => {
  it('passes the seeded shop and names a member whose cached balance drifted from the ledger', async () => {
    expect(await checkLedger(app.prisma)).toMatchObject({ members: 36, offenders: [] });
    const victim = await app.prisma.member.findFirstOrThrow({ where: { shop: DEV_SHOP } });
    await app.prisma.member.update({ where: { id: victim.id }, data: { lifetimeRedeemed: { increment: 5 } } });
    const { offenders } = await checkLedger(app.prisma);
    expect(offenders).toEqual([
      expect.objectContaining({
        memberId: victim.id,
        cached: expect.objectContaining({ lifetimeRedeemed: victim.lifetimeRedeemed + 5 }),
        ledger: expect.objectContaining({ lifetimeRedeemed: victim.lifetimeRedeemed }),
      }),
    ]);
  });
});
