// sync-program-to-shopify: keeps each shop's app-owned metafields
// $app:tally.program (rate, rounding, excluded products),
// $app:tally.widget (the launcher's look and texts from the admin's Widget
// page) and $app:tally.points_name (Settings' name for points) equal to its program, so the storefront's blocks render from them in
// Liquid without calling Tally. It reads the value Shopify holds first and writes
// only when it differs: no column to keep in step, and an idle run costs one
// cheap query per shop. metafieldsSet writes the absolute value, so a repeat
// is harmless.
import type { PrismaClient } from '../db.js';
import type { Programs } from '../loyalty/program.js';
import { POINTS_NAME_METAFIELD, PROGRAM_METAFIELD, storefrontMetafields, WIDGET_METAFIELD } from '../loyalty/storefront-program.js';
import type { AdminClient, ShopifyUserError } from '../shopify/admin.js';
import { activeShops, isolated, reportFailures, type Failure } from './batch.js';
import type { JobDeps } from './deps.js';

export const READ_PROGRAM_METAFIELD = `#graphql
  query ReadProgramMetafield($namespace: String!, $key: String!, $widgetKey: String!, $pointsNameKey: String!) {
    shop {
      id
      metafield(namespace: $namespace, key: $key) { value }
      widget: metafield(namespace: $namespace, key: $widgetKey) { value }
      pointsName: metafield(namespace: $namespace, key: $pointsNameKey) { value }
    }
  }`;

export const SET_PROGRAM_METAFIELD = `#graphql
  mutation SetProgramMetafield($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      userErrors { field message code }
    }
  }`;

export interface ProgramSyncResult {
  written: string[];
  unchanged: string[];
  refused: Array<{ shop: string; errors: string[] }>;
  failures: Failure[];
}

export async function syncProgramMetafields(prisma: PrismaClient, programs: Programs, admin: AdminClient): Promise<ProgramSyncResult> {
  const result: ProgramSyncResult = { written: [], unchanged: [], refused: [], failures: [] };
  for (const shop of await activeShops(prisma)) {
    await isolated(result.failures, shop, 'program metafield', async () => {
      const wanted = storefrontMetafields(await programs.get(shop));
      type Held = { value: string } | null;
      const { data } = await admin.request<{ shop: { id: string; metafield: Held; widget: Held; pointsName: Held } }>(
        shop,
        READ_PROGRAM_METAFIELD,
        {
          namespace: PROGRAM_METAFIELD.namespace,
          key: PROGRAM_METAFIELD.key,
          widgetKey: WIDGET_METAFIELD.key,
          pointsNameKey: POINTS_NAME_METAFIELD.key,
        },
        { operationName: 'ReadProgramMetafield' },
      );
      const held = {
        [PROGRAM_METAFIELD.key]: data.shop.metafield?.value,
        [WIDGET_METAFIELD.key]: data.shop.widget?.value,
        [POINTS_NAME_METAFIELD.key]: data.shop.pointsName?.value,
      };
      // A program that earns nothing on purchases is written as JSON null: the block then shows nothing.
      const changed = wanted.filter((m) => held[m.key] === undefined || !sameJson(held[m.key]!, JSON.stringify(m.value)));
      if (changed.length === 0) return void result.unchanged.push(shop);
      const { data: set } = await admin.request<{ metafieldsSet: { userErrors: ShopifyUserError[] } }>(
        shop,
        SET_PROGRAM_METAFIELD,
        {
          metafields: changed.map((m) => ({
            ownerId: data.shop.id,
            namespace: m.namespace,
            key: m.key,
            type: m.type,
            value: JSON.stringify(m.value),
          })),
        },
        { operationName: 'SetProgramMetafield' },
      );
      const errors = set.metafieldsSet.userErrors;
      if (errors.length > 0) result.refused.push({ shop, errors: errors.map((e) => e.message) });
      else result.written.push(shop);
    });
  }
  return result;
}

/** Shopify may store JSON with other spacing or key order. */
function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(sortKeys(JSON.parse(a))) === JSON.stringify(sortKeys(JSON.parse(b)));
  } catch {
    return false;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  return v;
}

export async function syncProgramJob(_data: object, { prisma, programs, admin, logger }: JobDeps): Promise<void> {
  if (!admin) throw new Error('sync-program-to-shopify needs the Admin API client: pass `admin` to startJobs');
  const result = await syncProgramMetafields(prisma, programs, admin);
  for (const r of result.refused) logger.warn(r, 'Shopify refused the program metafield');
  if (result.written.length > 0) logger.info({ shops: result.written }, 'program metafield written to Shopify');
  reportFailures('sync-program-to-shopify', result.failures, logger);
}
