/** @jsxImportSource preact */
// purchase.thank-you.block.render: the order just placed.
import '@shopify/ui-extensions/preact';
import type {} from '@shopify/ui-extensions/purchase.thank-you.block.render';
import { render } from 'preact';
import { RewardsBlock } from './RewardsBlock.js';
import { host } from './host.js';

export default async () => {
  render(<RewardsBlock orderId={() => host().orderConfirmation?.value?.order.id} channel="thank_you" />, document.body);
};
