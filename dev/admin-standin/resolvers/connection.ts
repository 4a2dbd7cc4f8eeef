import { GraphQLError } from 'graphql';

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

const MAX_PAGE_SIZE = 250;

/** Relay pagination over an in-memory list, with Shopify's first/last rules. */
export function connection<T>(items: readonly T[], args: ConnectionArgs, idOf: (item: T) => string, view: (item: T) => unknown) {
  checkPageArgs(args);
  let list = args.reverse ? [...items].reverse() : [...items];
  const cursors = list.map((item) => cursorFor(idOf(item)));
  const beforeIndex = args.before ? cursors.indexOf(args.before) : -1;
  let from = args.after ? cursors.indexOf(args.after) + 1 : 0;
  let to = Math.max(from, beforeIndex >= 0 ? beforeIndex : list.length);
  if (args.first != null) to = Math.min(to, from + args.first);
  if (args.last != null) from = Math.max(from, to - args.last);
  list = list.slice(from, to);
  const edges = list.map((item, index) => ({ cursor: cursors[from + index] as string, node: view(item) }));
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      hasNextPage: to < cursors.length,
      hasPreviousPage: from > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

function checkPageArgs(args: ConnectionArgs): void {
  if (args.first == null && args.last == null) throw new GraphQLError('you must provide one of first or last');
  const size = args.first ?? args.last ?? 0;
  if (size < 0) throw new GraphQLError('first and last must be non-negative');
  if (size > MAX_PAGE_SIZE) {
    throw new GraphQLError(`The requested page size (${size}) exceeds the maximum of ${MAX_PAGE_SIZE}`);
  }
}

function cursorFor(id: string): string {
  return Buffer.from(JSON.stringify({ id }), 'utf8').toString('base64url');
}
