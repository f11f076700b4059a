import { defineConfig } from 'vitest/config';

// Tests that measure real-time behaviour and must have the machine to themselves (the minute of
// audio): run by `npm test` after the main suite, one file at a time.
export default defineConfig({
  test: {
    include: ['tests/**/*.solo.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['tests/support/global-setup.ts'],
  },
});
