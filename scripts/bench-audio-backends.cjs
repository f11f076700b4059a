#!/usr/bin/env node
// Measures both audio backends into JACK (see src/main/bench/audio-backends.ts and README, Audio):
//   node --expose-gc scripts/bench-audio-backends.cjs [--seconds 30] [--cycles 100] [--backend audify|naudiodon] [--out results.json]
//   --load <n>: n busy processes spin during the runs (a saturated CPU, as under a test suite)
// Runs on its own JACK server (JACK_DEFAULT_SERVER=axon-bench unless set), so tests or another
// app starting and stopping the shared one cannot disturb the figures.
'use strict';
process.env.JACK_DEFAULT_SERVER ||= 'axon-bench';
require('tsx/cjs');
const { parseArgs } = require('node:util');
const { values } = parseArgs({ options: { seconds: { type: 'string' }, cycles: { type: 'string' }, backend: { type: 'string', multiple: true }, out: { type: 'string' }, load: { type: 'string' } } });
const { audioBackendsBench } = require('../src/main/bench/audio-backends.ts');
const { spawn } = require('node:child_process');
const spinners = Array.from({ length: Number(values.load ?? 0) }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
const unload = () => spinners.forEach((c) => c.kill());
audioBackendsBench({
  seconds: values.seconds === undefined ? 30 : Number(values.seconds),
  cycles: values.cycles === undefined ? 100 : Number(values.cycles),
  backends: values.backend,
  log: (line) => process.stderr.write(`[bench] ${line}\n`),
}).then(
  (results) => {
    unload();
    // PortAudio and ALSA print to stdout from native code: JSON goes to a file of its own.
    if (values.out) require('node:fs').writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
    for (const r of results) {
        const l = r.lifecycle;
        const x = r.run;
        process.stdout.write(
          `${r.backend.padEnd(9)} lifecycle ${l.cycles - l.failures}/${l.cycles} ok, ${l.cycleMsP50.toFixed(1)} ms/cycle (max ${l.cycleMsMax.toFixed(1)}), RSS ${l.rssBeforeMb.toFixed(1)} -> ${l.rssAfterMb.toFixed(1)} MB, threads ${l.threadsBefore} -> ${l.threadsAfter}, fds ${l.fdsBefore} -> ${l.fdsAfter}` +
            `${l.firstFailure ? ` (first failure: ${l.firstFailure})` : ''}\n` +
            `${''.padEnd(9)} ${x.seconds.toFixed(1)} s on ${x.sink}:${x.device}: pace ${x.pace.toFixed(5)} (lost ${x.lostSeconds.toFixed(3)} s), ${x.underruns} underruns, reported latency ${x.reportedLatencyMs.toFixed(2)} ms, event probe p50 ${x.probeP50Ms.toFixed(2)} ms p99 ${x.probeP99Ms.toFixed(2)} ms (${x.events} events), worker CPU ${(100 * x.workerCpu).toFixed(1)}%\n`,
        );
      }
  },
  (err) => {
    unload();
    console.error(err);
    process.exitCode = 1;
  },
);
