// Customer segments: created by name (unique per shop, as Shopify requires)
// with a ShopifyQL query kept as text, looked up by id or by name.
import { GraphQLError } from 'graphql';
import { connection, type ConnectionArgs } from './connection.js';
import { newGid, userError, type ResolverContext } from './context.js';
import type { SegmentRecord } from '../types.js';

const view = (s: SegmentRecord) => ({ __typename: 'Segment', ...s });

export function segmentMutations(ctx: ResolverContext) {
  return {
    segmentCreate: (args: { name: string; query: string }) => {
      const name = args.name.trim();
      if (!name) return { segment: null, userErrors: [userError(['name'], "Name can't be blank", 'BLANK')] };
      if ([...ctx.shop.segments.values()].some((s) => s.name.toLowerCase() === name.toLowerCase())) {
        return { segment: null, userErrors: [userError(['name'], 'Name has already been taken', 'TAKEN')] };
      }
      if (!args.query.trim()) return { segment: null, userErrors: [userError(['query'], "Query can't be blank", 'BLANK')] };
      const now = ctx.store.nowIso();
      const segment: SegmentRecord = { id: newGid(ctx, 'Segment'), name, query: args.query.trim(), creationDate: now, lastEditDate: now };
      ctx.shop.segments.set(segment.id, segment);
      return { segment: view(segment), userErrors: [] };
    },
  };
}

export function segmentQueries(ctx: ResolverContext) {
  return {
    segment: ({ id }: { id: string }) => {
      const segment = ctx.shop.segments.get(id);
      return segment ? view(segment) : null;
    },
    /** Only the `name:` filter (exact, case-insensitive, optionally quoted) is understood. */
    segments: (args: ConnectionArgs & { query?: string | null }) => {
      let list = [...ctx.shop.segments.values()];
      if (args.query) {
        const match = /^name:\s*(?:'([^']*)'|"([^"]*)"|(\S+))$/.exec(args.query.trim());
        if (!match) throw new GraphQLError(`The stand-in understands only name:'…' segment queries, got ${args.query}`);
        const name = (match[1] ?? match[2] ?? match[3] ?? '').toLowerCase();
        list = list.filter((s) => s.name.toLowerCase() === name);
      }
      return connection(list, args, (s) => s.id, view);
    },
  };
}
