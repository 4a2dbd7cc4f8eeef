import { getNamedType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { bulkMutations, bulkQueries } from '../bulk.js';
import { checkFieldAccess } from '../access.js';
import { notImplementedField } from '../errors.js';
import type { FieldAccess, ResolverContext } from './context.js';
import { customerMutations, customerQueries } from './customers.js';
import { discountMutations, discountQueries } from './discounts.js';
import { metafieldMutations } from './metafields.js';
import { storeCreditMutations, storeCreditQueries } from './store-credit.js';
import { tagMutations } from './tags.js';
import { segmentMutations, segmentQueries } from './segments.js';
import { shopView } from './views.js';

export type RootValue = Record<string, (args: never) => unknown>;

/** Root resolvers for one request; a root field missing here is reported as not implemented. */
export function rootValueFor(operation: 'query' | 'mutation' | 'subscription', ctx: ResolverContext, schema?: GraphQLSchema): RootValue {
  if (operation === 'mutation') {
    return {
      ...discountMutations(ctx),
      ...metafieldMutations(ctx),
      ...tagMutations(ctx),
      ...storeCreditMutations(ctx),
      ...customerMutations(ctx),
      ...segmentMutations(ctx),
      ...(schema ? bulkMutations(ctx, schema, {}) : {}),
    };
  }
  if (operation === 'subscription') return {};
  return {
    shop: () => shopView(ctx),
    ...customerQueries(ctx),
    ...discountQueries(ctx),
    ...storeCreditQueries(ctx),
    ...segmentQueries(ctx),
    ...bulkQueries(ctx),
    productVariant: ({ id }: { id: string }) => {
      const v = ctx.shop.variants.get(id);
      return v ? { __typename: 'ProductVariant', ...v } : null;
    },
  };
}

/**
 * Resolves a field from the view object's own property (calling it with the arguments
 * when it is a function). A field the view does not define is a gap in the stand-in,
 * so it becomes an error rather than a silent null a test could mistake for data.
 * First, as on Shopify, a field whose access scope the token lacks is denied: its root
 * resolver (a mutation's effect) never runs.
 */
export const standinFieldResolver: GraphQLFieldResolver<unknown, { access?: FieldAccess } | undefined> = (source, args, context, info) => {
  if (context?.access) {
    const returnType = getNamedType(info.returnType).name;
    checkFieldAccess(context.access, { parentType: info.parentType.name, fieldName: info.fieldName, returnType, args });
  }
  if (source === null || typeof source !== 'object' || !Object.hasOwn(source, info.fieldName)) {
    throw notImplementedField(info);
  }
  const value = (source as Record<string, unknown>)[info.fieldName];
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown)(args, context, info) : value;
};
