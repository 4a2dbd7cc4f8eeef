// Shopify holds the member's points and tier (metafields, tier tag): a guest's points moved onto the member asks for a sync soon.
import { defineSubscriber } from '../../events/subscriber.js';
import { requestMemberSync } from '../../jobs/request-member-sync.js';

export default defineSubscriber({
  on: 'member.claimed_guest_points',
  mode: 'after-commit-coalesced',
  handle: ({ jobs }) => requestMemberSync(jobs),
});
