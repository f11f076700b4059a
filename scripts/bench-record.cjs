#!/usr/bin/env node
// A long set recorded through the app's recorder while the engine renders (see
// src/main/bench/record-bench.ts):
//   npm run bench:record [-- --minutes 120]
// Prints one JSON object with droppedFrames (target 0) and realtimeFactor (target > 1); progress
// goes to stderr. The set (2.8 GB for two hours) is written under the system's temp folder and
// removed afterwards.
'use strict';
require('tsx/cjs');
const { parseArgs } = require('node:util');
const { values } = parseArgs({ options: { minutes: { type: 'string' } } });
const minutes = values.minutes === undefined ? 120 : Number(values.minutes);
if (!(minutes >= 1 && minutes <= 600)) {
  process.stderr.write('bench-record: --minutes must be a number from 1 to 600\n');
  process.exit(2);
}
const { benchRecord } = require('../src/main/bench/record-bench.ts');
benchRecord({ minutes, onProgress: (done) => process.stderr.write(`bench-record: ${(100 * done).toFixed(0)}%\r`) }).then(
  (r) => {
    process.stderr.write('\n');
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err) => {
    process.stderr.write(`\nbench-record: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
