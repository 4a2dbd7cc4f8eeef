// Prisma CLI configuration. Prisma 6.19 runs here without native engines: the
// Wasm schema engine with a driver adapter (see ../shared/DESIGN.md). The CLI
// needs DATABASE_URL set even for commands that never connect, otherwise it
// falls back to the native engine and tries to download it.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg-migrate';

process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  engine: 'js',
  experimental: { adapter: true },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
});
