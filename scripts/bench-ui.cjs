#!/usr/bin/env node
// The UI's frame time in Chromium with the 16-neuron patch playing (see src/main/bench/ui-bench.ts):
//   npm run bench:ui [-- --seconds 10]
// Prints one JSON object with frameP95Ms (target: under 8 ms).
'use strict';
require('tsx/cjs');
const { parseArgs } = require('node:util');
const { values } = parseArgs({ options: { seconds: { type: 'string' } } });
const seconds = values.seconds === undefined ? 10 : Number(values.seconds);
if (!(seconds >= 1 && seconds <= 600)) {
  process.stderr.write('bench-ui: --seconds must be a number from 1 to 600\n');
  process.exit(2);
}
const { benchUi } = require('../src/main/bench/ui-bench.ts');
benchUi({ seconds }).then(
  (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err) => {
    process.stderr.write(`bench-ui: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
