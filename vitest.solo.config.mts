import { defineConfig } from 'vitest/config';

// Tests that measure real-time behaviour and must have the machine to themselves (the minute of
// audio, onsets to the millisecond, strikes scheduled on the simulated board, call and response
// in tempo): run by `npm test` after the main suite, one file at a time. Beside the UI tests'
// training and search on 2 cores, the drum and tempo ones failed now and then.
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
