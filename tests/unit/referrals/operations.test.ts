// The friend offer's Admin API documents and variables must be valid against
// the real 2026-10 schema: a misspelt field is otherwise found by a friend
// whose link gives no code.
import type { GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { referralSettingsSchema } from '../../../web/loyalty/domain/referrals/settings.js';
import { loadAdminSchema } from '../../../dev/admin-standin/schema.js';
import { documentProblems, variableProblems } from '../../helpers/admin-schema.js';
import {
  describeOffer,
  friendOfferOperation,
  SEGMENT_BY_NAME,
  SEGMENT_CREATE,
  type FriendOfferContext,
} from '../../../web/shopify/operations/referrals.js';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await loadAdminSchema();
});

const ctx: FriendOfferContext = {
  code: 'FRIEND-ABCDEFGHJK',
  segmentId: 'gid://shopify/Segment/42',
  title: 'Referral offer — Tally Rewards',
  startsAt: new Date('2026-01-01T00:00:00Z'),
  endsAt: new Date('2026-01-31T00:00:00Z'),
  currency: 'USD',
};

const OFFERS = [{ kind: 'fixed-amount', amountMinor: 1000 }, { kind: 'percentage', percentage: 15 }, { kind: 'free-shipping' }] as const;

/** Coercion errors and deprecated input fields (2026-10 deprecates customerSelection for context). */
function variableErrors(document: string, variables: Record<string, unknown>): string[] {
  return variableProblems(schema, document, variables);
}

describe('friend offer documents', () => {
  it.each([
    ['SEGMENT_CREATE', SEGMENT_CREATE],
    ['SEGMENT_BY_NAME', SEGMENT_BY_NAME],
  ])('%s validates against the 2026-10 schema', (_name, document) => {
    expect(documentProblems(schema, document)).toEqual([]);
  });

  it.each(OFFERS.map((o) => [o.kind, o] as const))(
    '%s offer: variables accepted by the schema, restricted to the new-customers segment, single use',
    (_kind, offer) => {
      const settings = referralSettingsSchema.parse({ friendOffer: offer, friendMinimumSubtotalMinor: 2500 });
      const op = friendOfferOperation(settings, ctx);
      expect(documentProblems(schema, op.document)).toEqual([]);
      expect(variableErrors(op.document, op.variables)).toEqual([]);
      expect(op.variables.input).toMatchObject({
        code: ctx.code,
        context: { customerSegments: { add: [ctx.segmentId] } },
        usageLimit: 1,
        appliesOncePerCustomer: true,
        endsAt: '2026-01-31T00:00:00.000Z',
        minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: '25.00' } },
      });
    },
  );

  it('describes the offer to the friend', () => {
    expect(OFFERS.map((o) => describeOffer(o, 'EUR'))).toEqual([
      '10.00 EUR off your first order',
      '15% off your first order',
      'Free shipping on your first order',
    ]);
  });
});
