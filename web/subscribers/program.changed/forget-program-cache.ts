// The program cache (web/loyalty/program.ts) serves every webhook; after a
// change to settings, rules, rewards or tiers it is dropped so the next order
// earns by the new ones. Other processes' caches expire within their TTL.
import { defineSubscriber } from '../../events/subscriber.js';

export default defineSubscriber({
  on: 'program.changed',
  mode: 'after-commit',
  handle(event, { programs }) {
    programs.forget(event.shop);
  },
});
