// Access scopes, as Shopify enforces them: a field whose scope the token lacks
// resolves to null with an ACCESS_DENIED error, and a mutation refused that way
// changes nothing. What each field needs comes from Shopify's own introspection
// (`requiredAccess` on the field and on the type it returns, e.g. ProductVariant:
// "`read_products` access scope."), not from a hand-kept list.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  getArgumentValues,
  getNamedType,
  GraphQLError,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { AccessNotes } from './schema.js';

export const ACCESS_SCOPES_DOC = 'https://shopify.dev/api/usage/access-scopes';

/** All of the groups, each satisfied by any one of its scopes. */
export type Requirement = ReadonlyArray<readonly string[]>;

interface Rule {
  /** The note as Shopify words it, repeated in the error. */
  note: string;
  requirement: Requirement;
}

/**
 * A requiredAccess note as scopes: "`a` access scope." → [[a]]; "`a` access scope or `b`
 * access scope", "Any of `a`, `b` access scopes" → [[a, b]]; "`a` … as well as any of `b`,
 * `c`" → [[a], [b, c]]. What follows "Also:" is about the staff member's permissions, which
 * an app's offline token does not have, so it is left out. A note naming no scope (e.g.
 * "access to checkout branding settings") is not enforced.
 */
export function parseRequiredAccess(note: string): Requirement | null {
  const scopes = note.split(/\bAlso:/)[0] ?? '';
  const groups = scopes
    .split(/\bas well as\b/)
    .map((part) => [...part.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!))
    .filter((group) => group.length > 0);
  return groups.length > 0 ? groups : null;
}

// metafieldsSet needs "the same access level needed to mutate the owner resource"; tagsAdd
// and tagsRemove likewise act on their resource. The owner is known only from the GID.
const WRITE_SCOPE_OF_OWNER: Readonly<Record<string, string | null>> = {
  Customer: 'write_customers',
  Order: 'write_orders',
  DraftOrder: 'write_draft_orders',
  Product: 'write_products',
  ProductVariant: 'write_products',
  Collection: 'write_products',
  DiscountCodeNode: 'write_discounts',
  DiscountAutomaticNode: 'write_discounts',
  // Shop and app-installation metafields belong to the app's own install.
  Shop: null,
  AppInstallation: null,
};

const OWNER_IDS: Readonly<Record<string, (args: Record<string, unknown>) => unknown[]>> = {
  'Mutation.metafieldsSet': (args) => (Array.isArray(args.metafields) ? args.metafields.map((m: { ownerId?: unknown }) => m?.ownerId) : []),
  'Mutation.tagsAdd': (args) => [args.id],
  'Mutation.tagsRemove': (args) => [args.id],
};

function ownerRules(key: string, args: Record<string, unknown>): Rule[] {
  const owners = OWNER_IDS[key]?.(args) ?? [];
  const scopes = new Set<string>();
  for (const id of owners) {
    const type = typeof id === 'string' ? /^gid:\/\/shopify\/(\w+)\//.exec(id)?.[1] : undefined;
    const scope = type ? WRITE_SCOPE_OF_OWNER[type] : undefined;
    if (scope) scopes.add(scope);
  }
  return [...scopes].map((scope) => ({ note: `\`${scope}\` access scope.`, requirement: [[scope]] }));
}

// Every field of every request is checked, so each note is parsed once.
const parsedNotes = new Map<string, Requirement | null>();

function requirementOf(note: string): Requirement | null {
  let requirement = parsedNotes.get(note);
  if (requirement === undefined) {
    requirement = parseRequiredAccess(note);
    parsedNotes.set(note, requirement);
  }
  return requirement;
}

/** What a field needs: its own note, the note of the type it returns, and its owner's scope. */
export function fieldRules(
  notes: AccessNotes,
  parentType: string,
  fieldName: string,
  returnType: string,
  args: Record<string, unknown>,
): Rule[] {
  const key = `${parentType}.${fieldName}`;
  const rules: Rule[] = [];
  for (const note of [notes.get(key), notes.get(returnType)]) {
    const requirement = note ? requirementOf(note) : null;
    if (note && requirement) rules.push({ note, requirement });
  }
  return OWNER_IDS[key] ? [...rules, ...ownerRules(key, args)] : rules;
}

/** Granted scopes as Shopify counts them: a write scope also grants read access to its resource. */
export function grantedScopes(scope: string | readonly string[]): ReadonlySet<string> {
  const list = typeof scope === 'string' ? scope.split(',') : scope;
  const granted = new Set<string>();
  for (const raw of list) {
    const name = raw.trim();
    if (!name) continue;
    granted.add(name);
    if (name.startsWith('write_')) granted.add(`read_${name.slice('write_'.length)}`);
    if (name.startsWith('unauthenticated_write_')) granted.add(`unauthenticated_read_${name.slice('unauthenticated_write_'.length)}`);
  }
  return granted;
}

export function satisfies(granted: ReadonlySet<string>, requirement: Requirement): boolean {
  return requirement.every((group) => group.some((scope) => granted.has(scope)));
}

/** Shopify's answer for a field the token may not use. */
export function accessDenied(fieldName: string, note: string): GraphQLError {
  return new GraphQLError(`Access denied for ${fieldName} field. Required access: ${note}`, {
    extensions: { code: 'ACCESS_DENIED', documentation: ACCESS_SCOPES_DOC, requiredAccess: note },
  });
}

/** Throws ACCESS_DENIED when the granted scopes miss any rule of the field. */
export function checkFieldAccess(
  access: { notes: AccessNotes; granted: ReadonlySet<string> },
  field: { parentType: string; fieldName: string; returnType: string; args: Record<string, unknown> },
): void {
  const denied = fieldRules(access.notes, field.parentType, field.fieldName, field.returnType, field.args).find(
    (rule) => !satisfies(access.granted, rule.requirement),
  );
  if (denied) throw accessDenied(field.fieldName, denied.note);
}

/**
 * Every scope requirement of a whole document with its variables, by field ("Type.field":
 * requirement): the table the operations' tests compare with the app's scopes.
 */
export function documentRequirements(
  schema: GraphQLSchema,
  notes: AccessNotes,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
): Map<string, Requirement> {
  const found = new Map<string, Requirement>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      [Kind.FIELD]: (node) => {
        const parent = typeInfo.getParentType();
        const def = typeInfo.getFieldDef();
        if (!parent || !def || node.name.value.startsWith('__')) return;
        const returned = getNamedType(def.type);
        const args = getArgumentValues(def, node, variables);
        const rules = fieldRules(notes, parent.name, def.name, returned.name, args);
        if (rules.length > 0)
          found.set(
            `${parent.name}.${def.name}`,
            rules.flatMap((rule) => rule.requirement),
          );
      },
    }),
  );
  return found;
}

const APP_TOML = fileURLToPath(new URL('../../shopify.app.toml', import.meta.url));
let tomlScopes: readonly string[] | undefined;

/**
 * The scopes shopify.app.toml requests ([access_scopes] scopes = "a,b"): what a merchant grants
 * on install, so what the stand-in's development and test sessions hold.
 */
export function appTomlScopes(path: string = APP_TOML): readonly string[] {
  if (path === APP_TOML && tomlScopes) return tomlScopes;
  const text = readFileSync(path, 'utf8');
  const section = text.split(/^\s*\[/m).find((part) => part.startsWith('access_scopes]'));
  const value = section ? /^\s*scopes\s*=\s*"([^"]*)"/m.exec(section)?.[1] : undefined;
  if (value === undefined) throw new Error(`${path} has no [access_scopes] scopes = "…" line`);
  const scopes = value
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  if (path === APP_TOML) tomlScopes = scopes;
  return scopes;
}
