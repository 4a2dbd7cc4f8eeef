// Fails when prisma/migrations does not produce the database schema.prisma describes.
import { schemaDrift } from './lib/schema-drift.js';

const drift = await schemaDrift();
if (drift.length > 0) {
  console.error('prisma/migrations and prisma/schema.prisma differ (+ only in schema, - only in migrations):');
  for (const line of drift) console.error(`  ${line}`);
  console.error('Write a migration: see "Changing the database" in README.md.');
  process.exit(1);
}
console.log('prisma/migrations match prisma/schema.prisma');
