import {
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isLeafType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { LeakyBucket } from './types.js';

/**
 * Static query cost the way Shopify documents it: scalars and enums 0, objects 1,
 * connections 2 + (first|last) × the cost of one node, mutations 10, and for
 * fragments on different concrete types only the most expensive one counts.
 */
export const MUTATION_COST = 10;

interface CostContext {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export function requestedQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  const ctx: CostContext = { schema, fragments, variables };
  if (operation.operation === 'mutation') return rootFieldCount(ctx, operation.selectionSet) * MUTATION_COST;
  const root = schema.getQueryType();
  return root ? selectionSetCost(ctx, operation.selectionSet, root) : 0;
}

function rootFieldCount(ctx: CostContext, set: SelectionSetNode): number {
  let count = 0;
  for (const selection of set.selections) {
    if (!included(ctx, selection)) continue;
    if (selection.kind === Kind.FIELD) count += selection.name.value.startsWith('__') ? 0 : 1;
    else count += rootFieldCount(ctx, fragmentParts(ctx, selection).selectionSet);
  }
  return count;
}

function selectionSetCost(ctx: CostContext, set: SelectionSetNode, parent: GraphQLCompositeType): number {
  let shared = 0;
  const perType = new Map<string, number>();
  for (const selection of set.selections) {
    if (!included(ctx, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      shared += fieldCost(ctx, selection, parent);
      continue;
    }
    const { typeName, selectionSet } = fragmentParts(ctx, selection);
    const type = typeName ? (ctx.schema.getType(typeName) as GraphQLCompositeType | undefined) : parent;
    const cost = type ? selectionSetCost(ctx, selectionSet, type) : 0;
    if (!typeName || typeName === parent.name) shared += cost;
    else perType.set(typeName, (perType.get(typeName) ?? 0) + cost);
  }
  return shared + Math.max(0, ...perType.values());
}

function fieldCost(ctx: CostContext, field: FieldNode, parent: GraphQLCompositeType): number {
  const def = 'getFields' in parent ? parent.getFields()[field.name.value] : undefined;
  if (!def) return 0;
  const type = getNamedType(def.type);
  if (isLeafType(type)) return 0;
  const children = field.selectionSet ? selectionSetCost(ctx, field.selectionSet, type as GraphQLCompositeType) : 0;
  if (type.name.endsWith('Connection')) return 2 + pageSize(ctx, def, field) * children;
  // Connection plumbing (edges, pageInfo) is free; the nodes inside carry the cost.
  if (parent.name.endsWith('Connection') && (field.name.value === 'edges' || field.name.value === 'pageInfo')) {
    return field.name.value === 'edges' ? children : 0;
  }
  return 1 + children;
}

function pageSize(ctx: CostContext, def: Parameters<typeof getArgumentValues>[0], field: FieldNode): number {
  try {
    const args = getArgumentValues(def, field, ctx.variables);
    const size = Number(args.first ?? args.last ?? 1);
    return Number.isFinite(size) && size > 0 ? size : 1;
  } catch {
    return 1;
  }
}

function included(ctx: CostContext, node: SelectionNode): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, ctx.variables);
  const include = getDirectiveValues(GraphQLIncludeDirective, node, ctx.variables);
  return skip?.if !== true && include?.if !== false;
}

function fragmentParts(
  ctx: CostContext,
  node: Exclude<SelectionNode, FieldNode>,
): { typeName: string | undefined; selectionSet: SelectionSetNode } {
  if (node.kind === Kind.INLINE_FRAGMENT) {
    return { typeName: node.typeCondition?.name.value, selectionSet: node.selectionSet };
  }
  const fragment = ctx.fragments.get(node.name.value);
  return {
    typeName: fragment?.typeCondition.name.value,
    selectionSet: fragment?.selectionSet ?? { kind: Kind.SELECTION_SET, selections: [] },
  };
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Shopify's leaky bucket: it refills continuously at restoreRate points per second. */
export function refill(bucket: LeakyBucket, now: number, size: number, restoreRate: number): void {
  const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
  bucket.available = Math.min(size, bucket.available + elapsedSeconds * restoreRate);
  bucket.updatedAt = now;
}

export function throttleStatus(bucket: LeakyBucket, size: number, restoreRate: number): ThrottleStatus {
  return { maximumAvailable: size, currentlyAvailable: Math.floor(bucket.available), restoreRate };
}
