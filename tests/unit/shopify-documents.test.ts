// Every GraphQL document Tally sends to the Admin API must be valid against
// Shopify's own 2026-10 schema and use nothing it deprecates: a renamed or
// removed field is otherwise found by a merchant whose rewards stop issuing.
import { readFileSync } from 'node:fs';
import type { GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_API_VERSION } from '../../web/config.js';
import { loadAdminSchema, SCHEMA_API_VERSION } from '../../dev/admin-standin/schema.js';
import { documentProblems, tallyDocuments } from '../helpers/admin-schema.js';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await loadAdminSchema();
});

const documents = tallyDocuments();

describe('the Admin API documents Tally sends', () => {
  it('are found in the sources (operations, jobs, loyalty)', () => {
    const files = new Set(documents.map((d) => d.at.replace(/:\d+$/, '')));
    expect([...files].sort()).toEqual(
      expect.arrayContaining([
        'web/jobs/sync-members.ts',
        'web/jobs/sync-program.ts',
        'web/loyalty/shop-details.ts',
        'web/shopify/operations/discounts.ts',
        'web/shopify/operations/lookups.ts',
        'web/shopify/operations/referrals.ts',
        'web/shopify/operations/store-credit.ts',
      ]),
    );
    expect(documents.length).toBeGreaterThanOrEqual(16);
  });

  it.each(documents.map((d) => [d.at, d.document] as const))('%s is valid against 2026-10 and uses nothing deprecated', (_at, document) => {
    expect(documentProblems(schema, document)).toEqual([]);
  });

  it('the check itself fails on a misspelt field, a wrong argument type and a deprecated field', () => {
    expect(documentProblems(schema, '#graphql\n query { shop { nam } }')).toEqual([expect.stringContaining('Cannot query field "nam"')]);
    expect(documentProblems(schema, '#graphql\n query ($id: String!) { customer(id: $id) { id } }')).toEqual([
      expect.stringContaining('Variable "$id" of type "String!" used in position expecting type "ID!"'),
    ]);
    expect(documentProblems(schema, '#graphql\n query { codeDiscountNode(id: "gid://shopify/DiscountCodeNode/1") { id } }')).toEqual([
      expect.stringContaining('codeDiscountNode is deprecated'),
    ]);
    expect(documentProblems(schema, '#graphql\n query { shop { name }')).toEqual([expect.stringContaining('Syntax Error')]);
  });

  it("are sent to the version the schema describes, which is also the webhooks' version", () => {
    expect(SCHEMA_API_VERSION).toBe('2026-10');
    expect(ADMIN_API_VERSION).toBe(SCHEMA_API_VERSION);
    const toml = readFileSync(new URL('../../shopify.app.toml', import.meta.url), 'utf8');
    expect(toml.match(/^api_version\s*=\s*"([^"]+)"/m)?.[1]).toBe(SCHEMA_API_VERSION);
  });
});
