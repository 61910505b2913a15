import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores here: a few files at a time, each with its own database and queue prefix.
    maxWorkers: 3,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
