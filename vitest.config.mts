import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

/** The performer UI's component tests: Svelte components mounted in jsdom. */
const COMPONENT_TESTS = 'tests/ui/components/**/*.test.ts';
const SOLO_TESTS = 'tests/**/*.solo.test.ts';

const shared = { testTimeout: 30_000, hookTimeout: 60_000, pool: 'forks' } as const;

export default defineConfig({
  test: {
    // The root config's globalSetup runs once per run whatever the projects; a project that
    // inherited it (extends) would run it again, so the projects below list their options.
    globalSetup: ['tests/support/global-setup.ts'],
    // Two projects so the Svelte compiler and the browser build of svelte only reach the
    // component tests; everything else runs in node as before.
    projects: [
      {
        test: {
          name: 'node',
          include: ['tests/**/*.test.ts'],
          // Real-time measurements run alone afterwards (vitest.solo.config.mts).
          exclude: [SOLO_TESTS, COMPONENT_TESTS, '**/node_modules/**'],
          environment: 'node',
          ...shared,
        },
      },
      {
        // svelteTesting: the `browser` export conditions (svelte's client runtime, else mount
        // fails with lifecycle_function_unavailable) and DOM cleanup after each test.
        plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.mjs') }), svelteTesting()],
        test: {
          name: 'components',
          include: [COMPONENT_TESTS],
          environment: 'jsdom',
          setupFiles: ['tests/ui/components/setup.ts'],
          ...shared,
        },
      },
    ],
  },
});
