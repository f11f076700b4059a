import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { META_CONTENT_SECURITY_POLICY } from './src/main/security';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/electron/main.ts'),
          // The engine thread, loaded by EngineHost from next to the main bundle.
          'engine-worker': resolve(__dirname, 'src/worker/engine-worker.ts'),
          // Reservoir training and search, loaded by TrainingJobs the same way.
          'training-worker': resolve(__dirname, 'src/main/reservoir/training-worker.ts'),
          // Sine-net batches for the Sine nets view, loaded by SineNetJobs the same way.
          'sinenet-worker': resolve(__dirname, 'src/main/sinenet/sinenet-worker.ts'),
          // The audio input's stream, loaded by AudioInput the same way.
          'capture-worker': resolve(__dirname, 'src/main/audio-in/capture-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [
      svelte({ configFile: resolve(__dirname, 'svelte.config.mjs') }),
      // The page's CSP comes from the one declaration in src/main/security.ts.
      { name: 'axon-csp', transformIndexHtml: (html: string) => html.replace('%AXON_CSP%', META_CONTENT_SECURITY_POLICY) },
    ],
  },
});
