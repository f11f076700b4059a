#!/usr/bin/env node
// The engine's underruns and render load while a background job runs beside it (see
// src/main/bench/jobs-bench.ts):
//   npm run bench:jobs [-- --job search|train|sinenets --trials 4 --quiet 20]
//   npm run bench:jobs -- --alternate [--rounds 6 --spell 10]
// both with [--load 1 --load-session own|same --output clock|jack]. Prints one JSON object: the
// spell without the job (before and after it), the spell during it, the job's duration; or, with
// --alternate, rounds of spells without a job, with a search in a thread, with it as the app runs it.
'use strict';
require('tsx/cjs');
const { parseArgs } = require('node:util');
const { values } = parseArgs({
  options: {
    job: { type: 'string' },
    trials: { type: 'string' },
    quiet: { type: 'string' },
    alternate: { type: 'boolean' },
    rounds: { type: 'string' },
    spell: { type: 'string' },
    load: { type: 'string' },
    'load-session': { type: 'string' },
    output: { type: 'string' },
  },
});
const fail = (message) => {
  process.stderr.write(`bench-jobs: ${message}\n`);
  process.exit(2);
};
const whole = (name, value, fallback, min, max) => {
  const v = value === undefined ? fallback : Number(value);
  if (!(Number.isInteger(v) && v >= min && v <= max)) fail(`--${name} must be a whole number from ${min} to ${max}`);
  return v;
};
const job = values.job ?? 'search';
if (!['search', 'train', 'sinenets'].includes(job)) fail('--job must be search, train or sinenets');
const trials = whole('trials', values.trials, 4, 1, 500);
const quietSeconds = whole('quiet', values.quiet, 20, 2, 600);
const rounds = whole('rounds', values.rounds, 6, 1, 100);
const spellSeconds = whole('spell', values.spell, 10, 1, 600);
const load = whole('load', values.load, 1, 0, 16);
const loadSession = values['load-session'] ?? 'own';
if (!['own', 'same'].includes(loadSession)) fail('--load-session must be own or same');
const output = values.output;
if (output !== undefined && !['clock', 'jack'].includes(output)) fail('--output must be clock or jack');
const bench = require('../src/main/bench/jobs-bench.ts');
const run = values.alternate
  ? bench.benchJobsAlternating({ rounds, spellSeconds, load, loadSession, output })
  : bench.benchJobs({ job, trials, quietSeconds, load, loadSession, output });
run.then(
  (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err) => {
    process.stderr.write(`bench-jobs: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
