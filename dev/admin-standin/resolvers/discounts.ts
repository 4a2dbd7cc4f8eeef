import { notImplemented } from '../errors.js';
import { gid, gidNumber, timeOf, toMicros } from '../values.js';
import type { DiscountItems, DiscountKind, DiscountRecord, DiscountValue, MinimumRequirement } from '../types.js';
import { findCustomer, userError, type PayloadUserError, type ResolverContext } from './context.js';
import { discountNodeView, genericDiscountNodeView } from './views.js';

// Input shapes after graphql-js coercion; Decimal and DateTime arrive as normalized strings.
interface CommonInput {
  title?: string | null;
  code?: string | null;
  startsAt?: string | null;
  endsAt?: string | null;
  usageLimit?: number | null;
  appliesOncePerCustomer?: boolean | null;
  appliesOnOneTimePurchase?: boolean | null;
  appliesOnSubscription?: boolean | null;
  recurringCycleLimit?: number | null;
  combinesWith?: { orderDiscounts?: boolean | null; productDiscounts?: boolean | null; shippingDiscounts?: boolean | null } | null;
  /** Deprecated since 2026-01 in favour of `context`; still accepted. */
  customerSelection?: (BuyerInput & { all?: boolean | null }) | null;
  /** Who can use the discount, 2026-10's way: all buyers, customers, segments or markets. */
  context?: (BuyerInput & { all?: 'ALL' | null; markets?: unknown }) | null;
  minimumRequirement?: {
    subtotal?: { greaterThanOrEqualToSubtotal?: string | null } | null;
    quantity?: { greaterThanOrEqualToQuantity?: string | null } | null;
  } | null;
}

interface BasicInput extends CommonInput {
  customerGets?: {
    appliesOnOneTimePurchase?: boolean | null;
    appliesOnSubscription?: boolean | null;
    value?: {
      percentage?: number | null;
      discountAmount?: { amount?: string | null; appliesOnEachItem?: boolean | null } | null;
      discountOnQuantity?: unknown;
    } | null;
    items?: {
      all?: boolean | null;
      products?: { productsToAdd?: string[] | null; productVariantsToAdd?: string[] | null } | null;
      collections?: { add?: string[] | null } | null;
    } | null;
  } | null;
}

interface FreeShippingInput extends CommonInput {
  maximumShippingPrice?: string | null;
  destination?: { all?: boolean | null; countries?: { add?: string[] | null; includeRestOfWorld?: boolean | null } | null } | null;
}

interface BuyerInput {
  customers?: { add?: string[] | null; remove?: string[] | null } | null;
  customerSegments?: { add?: string[] | null; remove?: string[] | null } | null;
}

/** The buyers a discount input names, from `context` or the older `customerSelection`. */
interface BuyerSelection extends BuyerInput {
  field: 'context' | 'customerSelection';
  all: boolean;
}

function buyersOf(input: CommonInput): BuyerSelection | null {
  if (input.context) {
    if (input.context.markets != null) throw notImplemented('DiscountContextInput.markets');
    return { ...input.context, field: 'context', all: input.context.all === 'ALL' };
  }
  if (input.customerSelection) return { ...input.customerSelection, field: 'customerSelection', all: input.customerSelection.all === true };
  return null;
}

type AddError = (path: (string | number)[], code: string, message: string) => void;

function collector(root: string): { errors: PayloadUserError[]; add: AddError } {
  const errors: PayloadUserError[] = [];
  return { errors, add: (path, code, message) => errors.push(userError([root, ...path], message, code)) };
}

export function discountMutations(ctx: ResolverContext) {
  return {
    discountCodeBasicCreate: (args: { basicCodeDiscount: BasicInput }) =>
      createDiscount(ctx, 'DiscountCodeBasic', 'basicCodeDiscount', args.basicCodeDiscount),
    discountCodeFreeShippingCreate: (args: { freeShippingCodeDiscount: FreeShippingInput }) =>
      createDiscount(ctx, 'DiscountCodeFreeShipping', 'freeShippingCodeDiscount', args.freeShippingCodeDiscount),
    discountCodeDelete: (args: { id: string }) => deleteDiscount(ctx, args.id),
    discountCodeDeactivate: (args: { id: string }) => deactivateDiscount(ctx, args.id),
  };
}

export function discountQueries(ctx: ResolverContext) {
  return {
    codeDiscountNodeByCode: (args: { code: string }) => {
      const nodeId = ctx.shop.discountCodes.get(args.code.trim().toLowerCase());
      const discount = nodeId ? ctx.shop.discounts.get(nodeId) : undefined;
      return discount ? discountNodeView(ctx, discount) : null;
    },
    codeDiscountNode: (args: { id: string }) => {
      const discount = ctx.shop.discounts.get(args.id);
      return discount ? discountNodeView(ctx, discount) : null;
    },
    discountNode: (args: { id: string }) => {
      const discount = discountByAnyId(ctx, args.id);
      return discount ? genericDiscountNodeView(ctx, discount) : null;
    },
  };
}

/** discountNode accepts DiscountNode and DiscountCodeNode GIDs; both share the number. */
function discountByAnyId(ctx: ResolverContext, id: string): DiscountRecord | undefined {
  const number = gidNumber(id);
  return number ? ctx.shop.discounts.get(gid('DiscountCodeNode', number)) : undefined;
}

function createDiscount(ctx: ResolverContext, kind: DiscountKind, root: string, input: BasicInput & FreeShippingInput) {
  const { errors, add } = collector(root);
  validateCommon(ctx, input, add);
  if (kind === 'DiscountCodeBasic') validateBasic(input, add);
  else validateFreeShipping(input, add);
  if (errors.length > 0) return { codeDiscountNode: null, userErrors: errors };
  const discount = kind === 'DiscountCodeBasic' ? basicRecord(ctx, input) : freeShippingRecord(ctx, input);
  ctx.shop.discounts.set(discount.nodeId, discount);
  ctx.shop.discountCodes.set(discount.code.toLowerCase(), discount.nodeId);
  return { codeDiscountNode: discountNodeView(ctx, discount), userErrors: [] };
}

function validateCommon(ctx: ResolverContext, input: CommonInput, add: AddError): void {
  if (!input.title?.trim()) add(['title'], 'BLANK', "Title can't be blank");
  const code = input.code?.trim() ?? '';
  if (!code) add(['code'], 'BLANK', "Code can't be blank");
  else if (code.length > 255) add(['code'], 'TOO_LONG', 'Code is too long (maximum is 255 characters)');
  else if (/[\r\n]/.test(code)) add(['code'], 'INVALID', 'Code cannot contain newline characters.');
  else if (ctx.shop.discountCodes.has(code.toLowerCase())) {
    add(['code'], 'TAKEN', 'Code must be unique. Please try a different code.');
  }
  if (!input.startsAt) add(['startsAt'], 'BLANK', "Starts at can't be blank");
  else if (input.endsAt && timeOf(input.endsAt) <= timeOf(input.startsAt)) {
    add(['endsAt'], 'INVALID', 'Ends at needs to be after starts_at');
  }
  if (input.usageLimit != null && input.usageLimit <= 0) add(['usageLimit'], 'GREATER_THAN', 'Usage limit must be greater than 0');
  validateCustomerSelection(ctx, input, add);
  validateMinimum(input, add);
}

function validateCustomerSelection(ctx: ResolverContext, input: CommonInput, add: AddError): void {
  if (input.context && input.customerSelection) {
    add(['context'], 'INVALID', 'Only one of context or customerSelection can be provided');
    return;
  }
  const selection = buyersOf(input);
  if (!selection) return;
  const path = selection.field;
  if (selection.customerSegments?.remove != null) throw notImplemented('DiscountCustomerSegmentsInput.remove on create');
  if (selection.customerSegments && selection.customers) {
    add([path], 'INVALID', 'Only one of customers or customer segments can be selected');
  }
  (selection.customerSegments?.add ?? []).forEach((id, index) => {
    if (!ctx.shop.segments.has(id)) add([path, 'customerSegments', 'add', index], 'INVALID', 'Segment does not exist');
  });
  (selection.customers?.add ?? []).forEach((id, index) => {
    if (!findCustomer(ctx, id)) add([path, 'customers', 'add', index], 'INVALID', 'Customer does not exist');
  });
}

function validateMinimum(input: CommonInput, add: AddError): void {
  const minimum = input.minimumRequirement;
  if (minimum?.subtotal && minimum.quantity) {
    add(
      ['minimumRequirement'],
      'MINIMUM_SUBTOTAL_AND_QUANTITY_RANGE_BOTH_PRESENT',
      'Minimum subtotal and minimum quantity cannot both be set',
    );
  }
  const subtotal = minimum?.subtotal?.greaterThanOrEqualToSubtotal;
  if (subtotal != null && toMicros(subtotal) < 0n) {
    add(
      ['minimumRequirement', 'subtotal', 'greaterThanOrEqualToSubtotal'],
      'GREATER_THAN_OR_EQUAL_TO',
      'Minimum subtotal must be greater than or equal to 0',
    );
  }
}

function validateBasic(input: BasicInput, add: AddError): void {
  const gets = input.customerGets;
  if (!gets) return add(['customerGets'], 'BLANK', "Customer gets can't be blank");
  validateValue(gets.value, add);
  const items = gets.items;
  if (!items) add(['customerGets', 'items'], 'BLANK', "Items can't be blank");
  else if (items.all !== true && !items.products && !items.collections) {
    add(['customerGets', 'items'], 'APPLIES_ON_NOTHING', 'Items must apply to all items, products or collections');
  }
}

function validateValue(value: NonNullable<BasicInput['customerGets']>['value'], add: AddError): void {
  const path = ['customerGets', 'value'];
  const given = [value?.percentage, value?.discountAmount, value?.discountOnQuantity].filter((v) => v != null);
  if (given.length === 0) return add(path, 'BLANK', "Value can't be blank");
  if (given.length > 1) return add(path, 'TOO_MANY_ARGUMENTS', 'Only one of percentage, discountAmount or discountOnQuantity is allowed');
  if (value?.discountOnQuantity != null) {
    return add([...path, 'discountOnQuantity'], 'INVALID', 'discountOnQuantity is only valid for Buy X Get Y discounts');
  }
  if (value?.percentage != null && (value.percentage < 0 || value.percentage > 1)) {
    add([...path, 'percentage'], 'VALUE_OUTSIDE_RANGE', 'Value must be between 0.0 and 1.0');
  }
  const amount = value?.discountAmount?.amount;
  if (value?.discountAmount && (amount == null || toMicros(amount) <= 0n)) {
    add([...path, 'discountAmount', 'amount'], 'GREATER_THAN', 'Value must be greater than 0');
  }
}

function validateFreeShipping(input: FreeShippingInput, add: AddError): void {
  const max = input.maximumShippingPrice;
  if (max != null && toMicros(max) < 0n) {
    add(['maximumShippingPrice'], 'GREATER_THAN_OR_EQUAL_TO', 'Maximum shipping price must be greater than or equal to 0');
  }
}

function baseRecord(ctx: ResolverContext, kind: DiscountKind, input: CommonInput): DiscountRecord {
  const number = ctx.store.nextId();
  const now = ctx.store.nowIso();
  const combines = input.combinesWith;
  const buyers = buyersOf(input);
  return {
    number,
    nodeId: gid('DiscountCodeNode', number),
    redeemCodeId: gid('DiscountRedeemCode', ctx.store.nextId()),
    kind,
    title: (input.title ?? '').trim(),
    code: (input.code ?? '').trim(),
    startsAt: input.startsAt ?? now,
    endsAt: input.endsAt ?? null,
    createdAt: now,
    updatedAt: now,
    usageLimit: input.usageLimit ?? null,
    appliesOncePerCustomer: input.appliesOncePerCustomer ?? false,
    appliesOnOneTimePurchase: true,
    appliesOnSubscription: false,
    recurringCycleLimit: input.recurringCycleLimit ?? null,
    combinesWith: {
      orderDiscounts: combines?.orderDiscounts ?? false,
      productDiscounts: combines?.productDiscounts ?? false,
      shippingDiscounts: combines?.shippingDiscounts ?? false,
    },
    customerIds: buyers?.all ? null : (buyers?.customers?.add ?? null),
    segmentIds: buyers?.all ? [] : (buyers?.customerSegments?.add ?? []),
    minimumRequirement: minimumOf(input),
    value: null,
    items: null,
    maximumShippingPrice: null,
    countries: null,
  };
}

function basicRecord(ctx: ResolverContext, input: BasicInput): DiscountRecord {
  const gets = input.customerGets;
  return {
    ...baseRecord(ctx, 'DiscountCodeBasic', input),
    appliesOnOneTimePurchase: gets?.appliesOnOneTimePurchase ?? true,
    appliesOnSubscription: gets?.appliesOnSubscription ?? false,
    value: valueOf(gets?.value),
    items: itemsOf(gets?.items),
  };
}

function freeShippingRecord(ctx: ResolverContext, input: FreeShippingInput): DiscountRecord {
  const countries = input.destination?.countries;
  return {
    ...baseRecord(ctx, 'DiscountCodeFreeShipping', input),
    appliesOnOneTimePurchase: input.appliesOnOneTimePurchase ?? true,
    appliesOnSubscription: input.appliesOnSubscription ?? false,
    maximumShippingPrice: input.maximumShippingPrice ?? null,
    countries:
      input.destination?.all === true || !countries
        ? null
        : { codes: countries.add ?? [], includeRestOfWorld: countries.includeRestOfWorld ?? false },
  };
}

function minimumOf(input: CommonInput): MinimumRequirement {
  const minimum = input.minimumRequirement;
  const subtotal = minimum?.subtotal?.greaterThanOrEqualToSubtotal;
  if (subtotal != null) return { kind: 'subtotal', amount: subtotal };
  const quantity = minimum?.quantity?.greaterThanOrEqualToQuantity;
  return quantity != null ? { kind: 'quantity', quantity } : null;
}

function valueOf(value: NonNullable<BasicInput['customerGets']>['value']): DiscountValue {
  const amount = value?.discountAmount;
  if (amount?.amount != null) {
    return { kind: 'amount', amount: amount.amount, appliesOnEachItem: amount.appliesOnEachItem ?? false };
  }
  return { kind: 'percentage', percentage: value?.percentage ?? 0 };
}

function itemsOf(items: NonNullable<BasicInput['customerGets']>['items']): DiscountItems {
  if (items?.products) {
    return {
      kind: 'products',
      productIds: items.products.productsToAdd ?? [],
      variantIds: items.products.productVariantsToAdd ?? [],
    };
  }
  if (items?.collections) return { kind: 'collections', collectionIds: items.collections.add ?? [] };
  return { kind: 'all' };
}

function missingDiscount(): PayloadUserError {
  return userError(['id'], 'Discount does not exist', 'INVALID');
}

function deleteDiscount(ctx: ResolverContext, id: string) {
  const discount = ctx.shop.discounts.get(id);
  if (!discount) return { deletedCodeDiscountId: null, userErrors: [missingDiscount()] };
  ctx.shop.discounts.delete(id);
  ctx.shop.discountCodes.delete(discount.code.toLowerCase());
  ctx.shop.metafields.delete(id);
  return { deletedCodeDiscountId: id, userErrors: [] };
}

function deactivateDiscount(ctx: ResolverContext, id: string) {
  const discount = ctx.shop.discounts.get(id);
  if (!discount) return { codeDiscountNode: null, userErrors: [missingDiscount()] };
  const now = ctx.store.now();
  if (discount.endsAt === null || timeOf(discount.endsAt) > now) {
    discount.endsAt = ctx.store.nowIso();
    discount.updatedAt = discount.endsAt;
  }
  return { codeDiscountNode: discountNodeView(ctx, discount), userErrors: [] };
}
