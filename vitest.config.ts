import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous ceilings: on a busy 2-core machine a test that spawns processes takes many times its quiet time.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores here: a few files at a time, each with its own database and queue prefix.
    maxWorkers: 3,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
