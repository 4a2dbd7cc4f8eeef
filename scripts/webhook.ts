// Sends a signed webhook to the running development app, as Shopify would.
//   npm run webhook -- order-paid [--times 3] [--url http://127.0.0.1:3000] [--customer gid://shopify/Customer/…]
//   npm run webhook -- --list
// The app builds the scenario from its own data (a demo member, their latest
// order), signs it with its secret and POSTs it to its own /api/webhooks.
import { parseArgs } from 'node:util';
import { DEV_SHOP, loadConfig } from '../web/config.js';
import { SCENARIOS } from '../dev/scenarios.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    times: { type: 'string', default: '1' },
    url: { type: 'string' },
    shop: { type: 'string', default: DEV_SHOP },
    customer: { type: 'string' },
    list: { type: 'boolean', default: false },
  },
});
const scenario = positionals[0];
if (values.list || !scenario || !(scenario in SCENARIOS)) {
  console.log('Usage: npm run webhook -- <scenario> [--times N] [--url URL] [--customer GID]\n\nScenarios:');
  for (const [name, label] of Object.entries(SCENARIOS)) console.log(`  ${name.padEnd(22)} ${label}`);
  process.exit(values.list ? 0 : 1);
}
const url = values.url ?? `http://127.0.0.1:${loadConfig().port}`;
const res = await fetch(`${url}/dev/webhooks/send`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ scenario, times: Number(values.times), shop: values.shop, customerId: values.customer }),
}).catch((error: Error) => {
  console.error(`Could not reach Tally at ${url} (${error.message}). Is \`npm run dev\` running?`);
  process.exit(1);
});
const body = await res.json();
console.log(JSON.stringify(body, null, 2));
process.exit(res.ok ? 0 : 1);
