/** @jsxImportSource preact */
// customer-account.order-status.block.render: the order the buyer is looking at.
import '@shopify/ui-extensions/preact';
import { render } from 'preact';
import { RewardsBlock } from './RewardsBlock.js';
import { host } from './host.js';

export default async () => {
  render(<RewardsBlock orderId={() => host().order?.value?.id} channel="order_status" />, document.body);
};
