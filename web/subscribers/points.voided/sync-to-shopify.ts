// Shopify holds the member's points and tier (metafields, tier tag): held points voided asks for a sync soon.
import { defineSubscriber } from '../../events/subscriber.js';
import { requestMemberSync } from '../../jobs/request-member-sync.js';

export default defineSubscriber({
  on: 'points.voided',
  mode: 'after-commit-coalesced',
  handle: ({ jobs }) => requestMemberSync(jobs),
});
