// A shop's calendar day, as its admin and the server count it: the dashboard and analytics read `from`/`to` as
// days of the shop's time zone (the demo shop is in Europe/Warsaw), so a test that asked for the UTC date failed
// every evening between the shop's midnight and UTC's.
import { DEV_SHOP } from '../../web/config.js';
import { localToday } from '../../web/analytics/range.js';
import type { TestApp } from './app.js';

export { addDays } from '../../web/analytics/range.js';

/** Today in `shop`'s time zone, YYYY-MM-DD. */
export async function shopToday(prisma: TestApp['prisma'], shop = DEV_SHOP): Promise<string> {
  const { ianaTimezone } = await prisma.shop.findUniqueOrThrow({ where: { domain: shop }, select: { ianaTimezone: true } });
  return localToday(ianaTimezone);
}
