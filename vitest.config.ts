import { defineConfig } from 'vitest/config';

export default defineConfig({
  // JSX pages import their runtime as `#jsx/jsx-runtime` (tsconfig `jsxImportSource`; package.json `imports`).
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
