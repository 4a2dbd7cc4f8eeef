// checkouts/create and checkouts/update: the checkout is stored for the abandoned_checkout email
// (web/loyalty/checkouts.ts); each topic has its own module.
import { z } from 'zod';
import { checkoutFacts, checkoutShape } from '../loyalty/domain/checkout-facts.js';
import { InvalidOrderError } from '../loyalty/domain/invalid-order.js';
import { storeCheckout } from '../loyalty/checkouts.js';
import { defineHandler } from './types.js';

/** The payload as the checkout's facts; an amount or date that cannot be read is a field error (400, logged as malformed). */
export const checkoutInput = checkoutShape.transform((payload, ctx) => {
  try {
    return checkoutFacts(payload);
  } catch (error) {
    if (!(error instanceof InvalidOrderError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.reason, path: error.path ? error.path.split('.') : [] });
    return z.NEVER;
  }
});

export const checkoutRecorder = (topic: 'checkouts/create' | 'checkouts/update') =>
  defineHandler({
    topic,
    payload: checkoutInput,
    requiresInstalledShop: true,
    async handle(ctx, facts) {
      // A newer state already stored: this delivery came late and changes nothing.
      return (await storeCheckout(ctx.tx, ctx.shop, await ctx.program(), facts)) ? 'processed' : 'ignored';
    },
  });
