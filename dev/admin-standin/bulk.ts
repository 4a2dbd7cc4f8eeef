// Bulk operations (issue 16, the history import): bulkOperationRunQuery on
// `orders`, the operation's status (CREATED → RUNNING → COMPLETED, or FAILED
// with an error code) through bulkOperation(id:) and currentBulkOperation, the
// result as a JSONL file served by the stand-in (one object per line; the
// nodes of a nested connection on lines of their own, after their parent,
// naming it by __parentId), and the signed bulk_operations/finish webhook.
// The orders are a history the test or the dev seed gives (dev/history.ts).
import { GraphQLError, Kind, parse, validate, type FieldNode, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { buildDelivery, sendDelivery } from '../webhook-simulator.js';
import { accessDenied, documentRequirements, satisfies } from './access.js';
import { newGid, userError, type FieldAccess, type ResolverContext } from './resolvers/context.js';
import type { ShopData } from './types.js';

type Money = { shopMoney: { amount: string; currencyCode: string } };

/** An order as the Admin API's Order object shows it (the fields the history import reads). */
export interface BulkOrder {
  id: string;
  name: string;
  email: string | null;
  createdAt: string;
  processedAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  test: boolean;
  taxesIncluded: boolean;
  currencyCode: string;
  displayFinancialStatus: string;
  displayFulfillmentStatus: string;
  discountCodes: string[];
  customer: { id: string; firstName: string | null; lastName: string | null; defaultEmailAddress: { emailAddress: string } | null } | null;
  totalPriceSet: Money;
  totalTaxSet: Money;
  totalShippingPriceSet: Money;
  lineItems: Array<{
    id: string;
    quantity: number;
    isGiftCard: boolean;
    product: { id: string } | null;
    originalUnitPriceSet: Money;
    discountAllocations: Array<{ allocatedAmountSet: Money }>;
    taxLines: Array<{ priceSet: Money }>;
  }>;
  refunds: Array<{
    id: string;
    createdAt: string;
    refundLineItems: Array<{ id: string; lineItem: { id: string }; quantity: number; subtotalSet: Money; totalTaxSet: Money }>;
  }>;
}

interface BulkRecord {
  id: string;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED';
  errorCode: string | null;
  query: string;
  createdAt: string;
  completedAt: string | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  lines: string[];
}

/** Where the stand-in is reached (for the file's URL) and where it sends bulk_operations/finish. */
export interface BulkSettings {
  /** e.g. http://127.0.0.1:3000/dev/shopify; set from each GraphQL request's own URL. */
  baseUrl?: string;
  /** The app to notify: its base URL (POST /api/webhooks) and secret; no webhook without it. */
  webhook?: { appUrl: string; secret: string } | null;
  /** Milliseconds between the steps CREATED → RUNNING → COMPLETED. */
  stepMs?: number;
  /** The next operation fails with this error code (ACCESS_DENIED, INTERNAL_SERVER_ERROR, TIMEOUT). */
  failNext?: string | null;
}

interface ShopBulk {
  history: BulkOrder[];
  operations: Map<string, BulkRecord>;
  files: Map<string, string[]>;
}

const perShop = new WeakMap<ShopData, ShopBulk>();
export const bulkSettings: BulkSettings = { stepMs: 20, webhook: null, failNext: null };
/** Every file by its token, whatever the shop (the URL is the only key, as Shopify's signed URLs). */
const files = new Map<string, string[]>();

export function bulkOf(shop: ShopData): ShopBulk {
  let found = perShop.get(shop);
  if (!found) perShop.set(shop, (found = { history: [], operations: new Map(), files: new Map() }));
  return found;
}

export function bulkFile(token: string): string[] | undefined {
  return files.get(token);
}

const view = (op: BulkRecord) => {
  const { lines: _lines, ...rest } = op;
  return { __typename: 'BulkOperation', ...rest, partialDataUrl: null, type: 'QUERY' };
};

/** The root field of the bulk query, checked against the schema (Shopify refuses an invalid query the same way). */
function rootConnection(schema: GraphQLSchema, query: string): FieldNode {
  const document = parse(query);
  const errors = validate(schema, document);
  if (errors.length) throw new GraphQLError(`Invalid bulk query: ${errors[0]!.message}`);
  const operation = document.definitions[0];
  if (operation?.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query')
    throw new GraphQLError('Bulk query must be a query');
  const root = operation.selectionSet.selections[0];
  if (root?.kind !== Kind.FIELD || root.name.value !== 'orders')
    throw new GraphQLError('The stand-in runs bulk queries on the orders connection only');
  return root;
}

const fieldsOf = (set: SelectionSetNode | undefined): FieldNode[] =>
  (set?.selections ?? []).filter((s): s is FieldNode => s.kind === Kind.FIELD);

/** The node selection of a connection field (edges { node } or nodes), or null for any other field. */
function connectionNode(field: FieldNode): SelectionSetNode | null {
  for (const sub of fieldsOf(field.selectionSet)) {
    if (sub.name.value === 'nodes') return sub.selectionSet ?? null;
    if (sub.name.value === 'edges') {
      const node = fieldsOf(sub.selectionSet).find((f) => f.name.value === 'node');
      return node?.selectionSet ?? null;
    }
  }
  return null;
}

/**
 * The object as the selection shows it; connections nested in it become lines of their own (after it) naming their
 * parent — the nearest object with an id — by __parentId, as in Shopify's JSONL.
 */
function project(value: unknown, set: SelectionSetNode | undefined, parentId: string | null, children: object[]): unknown {
  if (value === null || value === undefined || !set) return value ?? null;
  if (Array.isArray(value)) return value.map((v) => project(v, set, parentId, children));
  const source = value as Record<string, unknown>;
  const id = typeof source.id === 'string' ? source.id : parentId;
  const out: Record<string, unknown> = {};
  const later: object[] = [];
  for (const field of fieldsOf(set)) {
    const key = field.alias?.value ?? field.name.value;
    const node = connectionNode(field);
    if (node) {
      for (const item of (source[field.name.value] as unknown[]) ?? []) {
        const nested: object[] = [];
        const line = project(item, node, id, nested) as object;
        later.push({ ...line, __parentId: id }, ...nested);
      }
      continue;
    }
    out[key] = project(source[field.name.value], field.selectionSet, id, later);
  }
  children.push(...later);
  return out;
}

function jsonl(history: readonly BulkOrder[], root: FieldNode): string[] {
  const node = connectionNode(root);
  if (!node) throw new GraphQLError('The orders connection needs edges { node { … } } or nodes { … }');
  const lines: string[] = [];
  for (const order of history) {
    const children: object[] = [];
    const top = project(order, node, null, children);
    lines.push(JSON.stringify(top), ...children.map((c) => JSON.stringify(c)));
  }
  return lines;
}

/** processed_at:>=YYYY-MM-DD (quoted or not), the filter the history import sends; anything else is refused. */
function filtered(history: readonly BulkOrder[], root: FieldNode, variables: Record<string, unknown>): BulkOrder[] {
  const arg = root.arguments?.find((a) => a.name.value === 'query');
  if (!arg) return [...history];
  const text =
    arg.value.kind === Kind.STRING ? arg.value.value : arg.value.kind === Kind.VARIABLE ? String(variables[arg.value.name.value]) : '';
  const match = /^processed_at:>=['"]?(\d{4}-\d{2}-\d{2})['"]?$/.exec(text.trim());
  if (!match) throw new GraphQLError(`The stand-in understands only processed_at:>=YYYY-MM-DD order queries, got ${text}`);
  return history.filter((o) => o.processedAt.slice(0, 10) >= match[1]!);
}

function finish(ctx: ResolverContext, op: BulkRecord): void {
  op.completedAt = ctx.store.nowIso();
  const target = bulkSettings.webhook;
  if (!target) return;
  const payload = {
    admin_graphql_api_id: op.id,
    completed_at: op.completedAt,
    created_at: op.createdAt,
    error_code: op.errorCode?.toLowerCase() ?? null,
    status: op.status.toLowerCase(),
    type: 'query',
  };
  const delivery = buildDelivery({ topic: 'bulk_operations/finish', payload, shop: ctx.shop.domain, secret: target.secret });
  sendDelivery(target.appUrl, delivery).catch(() => undefined); // Shopify retries; polling covers a lost one
}

/** Runs the operation's steps on timers, as Shopify does in the background. */
function advance(ctx: ResolverContext, op: BulkRecord, history: BulkOrder[], root: FieldNode, failure: string | null): void {
  const step = bulkSettings.stepMs ?? 20;
  setTimeout(() => {
    op.status = 'RUNNING';
    setTimeout(() => {
      if (failure) {
        op.status = 'FAILED';
        op.errorCode = failure;
        finish(ctx, op);
        return;
      }
      op.lines = jsonl(history, root);
      const token = `${op.id.split('/').pop()}-${Math.random().toString(36).slice(2)}`;
      files.set(token, op.lines);
      op.objectCount = String(op.lines.length);
      op.rootObjectCount = String(history.length);
      op.fileSize = String(op.lines.reduce((s, l) => s + Buffer.byteLength(l) + 1, 0));
      op.url = op.lines.length ? `${bulkSettings.baseUrl ?? ''}/bulk/${token}.jsonl` : null;
      op.status = 'COMPLETED';
      finish(ctx, op);
    }, step);
  }, step);
}

/**
 * The bulk query reads only what the token's scopes allow. The stand-in refuses the mutation with the first field
 * denied (Shopify checks the query when it runs it and fails the operation with ACCESS_DENIED): a missing scope shows
 * in tests either way.
 */
function denyMissingScopes(schema: GraphQLSchema, query: string, access: FieldAccess | undefined): void {
  if (!access) return;
  let document;
  try {
    document = parse(query);
  } catch {
    return; // refused as INVALID below
  }
  for (const [field, requirement] of documentRequirements(schema, access.notes, document)) {
    if (!satisfies(access.granted, requirement))
      throw accessDenied(
        field.split('.')[1]!,
        requirement.map((group) => group.map((s) => `\`${s}\` access scope`).join(' or ')).join(', '),
      );
  }
}

export function bulkMutations(ctx: ResolverContext, schema: GraphQLSchema, variables: Record<string, unknown> = {}) {
  return {
    bulkOperationRunQuery: (args: { query: string }, context?: { access?: FieldAccess }) => {
      const bulk = bulkOf(ctx.shop);
      denyMissingScopes(schema, args.query, context?.access);
      const running = [...bulk.operations.values()].find((op) => op.status === 'CREATED' || op.status === 'RUNNING');
      if (running) {
        const message = `A bulk query operation for this app and shop is already in progress: ${running.id}.`;
        return { bulkOperation: null, userErrors: [userError(null, message, 'OPERATION_IN_PROGRESS')] };
      }
      let root: FieldNode;
      let history: BulkOrder[];
      try {
        root = rootConnection(schema, args.query);
        history = filtered(bulk.history, root, variables);
      } catch (err) {
        return { bulkOperation: null, userErrors: [userError(['query'], (err as Error).message, 'INVALID')] };
      }
      const op: BulkRecord = {
        id: newGid(ctx, 'BulkOperation'),
        status: 'CREATED',
        errorCode: null,
        query: args.query,
        createdAt: ctx.store.nowIso(),
        completedAt: null,
        objectCount: '0',
        rootObjectCount: '0',
        fileSize: null,
        url: null,
        lines: [],
      };
      bulk.operations.set(op.id, op);
      const failure = bulkSettings.failNext ?? null;
      bulkSettings.failNext = null;
      advance(ctx, op, history, root, failure);
      return { bulkOperation: view(op), userErrors: [] };
    },
  };
}

export function bulkQueries(ctx: ResolverContext) {
  const all = () => [...bulkOf(ctx.shop).operations.values()];
  return {
    bulkOperation: ({ id }: { id: string }) => {
      const op = bulkOf(ctx.shop).operations.get(id);
      return op ? view(op) : null;
    },
    currentBulkOperation: () => {
      const op = all().at(-1);
      return op ? view(op) : null;
    },
  };
}
