import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for every package (they all share one instance); vite
    // would give our sources the .mjs build, and graphql's instanceof checks fail across the two.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['**/*.test.ts'],
    // One real PostgreSQL server for the whole run (each test file makes its own database on it), and
    // the portal built once.
    globalSetup: ['./test/database-server.ts', './test/portal-setup.ts'],
    exclude: ['node_modules/**'],
    env: { HUB_LOG_LEVEL: process.env.HUB_LOG_LEVEL ?? 'silent' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites start real servers on ephemeral loopback ports; two cores do not want more forks.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
