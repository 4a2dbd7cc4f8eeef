// npm run doctor — exits 0 only when every member's cached balances equal
// their ledger; otherwise lists the offenders and exits 1. Uses DATABASE_URL,
// or the embedded database in TALLY_DATA_DIR (stop `npm run dev` first: the
// embedded database has one user at a time; the running dev app answers the
// same check at GET /dev/doctor).
import { loadConfig } from '../web/config.js';
import { openDatabase } from '../web/db.js';
import { checkLedger } from '../web/loyalty/doctor.js';
import { StartupError } from '../web/startup-errors.js';

const config = loadConfig();
const db = await openDatabase(config.database, { migrate: false, poolSize: 1 }).catch((error: unknown) => {
  if (!(error instanceof StartupError)) throw error;
  // Most often `npm run dev` holds the embedded database: it answers the same check itself.
  console.error(`${error.message}\nWhile \`npm run dev\` runs, open /dev/doctor in it instead.`);
  process.exit(1);
});
try {
  const { members, offenders } = await checkLedger(db.prisma, process.argv[2]);
  if (offenders.length === 0) {
    console.log(`ledger OK: ${members} members, every cached balance equals its entries`);
  } else {
    console.error(`ledger MISMATCH for ${offenders.length} of ${members} members:`);
    for (const o of offenders)
      console.error(`  ${o.shop} ${o.memberId} cached ${JSON.stringify(o.cached)} ledger ${JSON.stringify(o.ledger)}`);
    process.exitCode = 1;
  }
} finally {
  await db.close();
}
