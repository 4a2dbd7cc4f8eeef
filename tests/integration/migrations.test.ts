import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaDrift } from '../../scripts/lib/schema-drift.js';

describe('migrations', () => {
  it('build exactly the database schema.prisma describes', async () => {
    expect(await schemaDrift()).toEqual([]);
  });

  it('are reported as drifted when the schema gains a column no migration adds', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tally-drift-'));
    const schema = (await readFile('prisma/schema.prisma', 'utf8')).replace('model Shop {', 'model Shop {\n  plan String?');
    const edited = path.join(dir, 'schema.prisma');
    await writeFile(edited, schema);
    const drift = await schemaDrift({ schema: edited });
    expect(drift).toContain('+ column Shop.plan text YES ');
  });
});
