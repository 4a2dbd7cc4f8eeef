// The one door to development-only code: the Admin API stand-in, the seed of
// the development shops, the /dev routes (webhook simulator, ledger check,
// session tokens) and the local storefront. The server imports this module
// dynamically, and only when development tools are needed; the production
// build (scripts/build-server.ts) replaces it with a stub, so none of this
// code is in build/server/index.js.
export { createAdminStandin } from '../dev/admin-standin/index.js';
export { seedDemoShop, DEV_SHOPS } from '../dev/seed.js';
export { generateHistory } from '../dev/history.js';
export { devRoutes } from '../dev/routes/index.js';
export { devStorefront } from '../dev/routes/storefront.js';
export { startMailCatcher } from '../dev/mail/catcher.js';
export { mailboxRoutes } from '../dev/mail/mailbox-page.js';
