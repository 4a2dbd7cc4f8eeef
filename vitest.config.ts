import { defineConfig } from 'vitest/config';

// Three suites: unit (pure, fast), integration (real database and HTTP; runs
// on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set) and e2e (a real
// Chromium against the running app).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], testTimeout: 20_000 } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file starts its own database; keep a few in flight, not one per core.
          maxWorkers: 2,
        },
      },
      { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 180_000, maxWorkers: 1 } },
    ],
  },
});
