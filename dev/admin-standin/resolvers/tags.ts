import { notImplemented } from '../errors.js';
import { parseGid } from '../values.js';
import { findCustomer, findOrder, userError, type ResolverContext } from './context.js';
import { mergeTags, removeTags, splitTags, tagsOf } from './records.js';
import { customerView, orderView, type View } from './views.js';

type TagsArgs = { id: string; tags: string[] };

export function tagMutations(ctx: ResolverContext) {
  return {
    tagsAdd: (args: TagsArgs) => changeTags(ctx, args, mergeTags),
    tagsRemove: (args: TagsArgs) => changeTags(ctx, args, removeTags),
  };
}

function changeTags(ctx: ResolverContext, args: TagsArgs, change: (current: string[], tags: string[]) => string[]) {
  const node = taggable(ctx, args.id);
  if (!node) return { node: null, userErrors: [userError(['id'], 'Resource does not exist')] };
  const tags = splitTags(args.tags);
  const tooLong = tags.find((tag) => tag.length > 255);
  if (tooLong)
    return { node: null, userErrors: [userError(['tags'], `Tag ${tooLong.slice(0, 20)}… is too long (maximum is 255 characters)`)] };
  ctx.shop.tags.set(args.id, change(tagsOf(ctx, args.id), tags));
  return { node, userErrors: [] };
}

/** Customers and orders carry tags here; Shopify also tags products, draft orders and articles. */
function taggable(ctx: ResolverContext, id: string): View | null {
  const type = parseGid(id)?.type;
  if (type === 'Customer') {
    const customer = findCustomer(ctx, id);
    return customer ? customerView(ctx, customer) : null;
  }
  if (type === 'Order') {
    const order = findOrder(ctx, id);
    return order ? orderView(ctx, order) : null;
  }
  if (type === undefined) return null;
  throw notImplemented(`tags on ${type}`);
}
