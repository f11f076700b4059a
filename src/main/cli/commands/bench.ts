import { axonError } from '../../../shared/errors';
import { isValidBlockSize, MAX_BLOCK, MIN_BLOCK, SAMPLE_RATES } from '../../../shared/engine-config';
import { latencyBenchIsolated } from '../../bench/latency-bench';
import { BENCH_CASES, runBenchCase } from '../../bench/bench-cases';
import { reservoirVsC } from '../../bench/reservoir-vs-c';
import { choiceFlag, numberFlag, parseFlags } from '../args';
import { stdio, type Command } from '../command';

/** Not an engine case: our reservoir step against the same step in C. */
const VS_C = 'reservoir-vs-c';
/** Control-to-device latency through JACK: only when asked for (it plays in real time and needs jackd). */
const LATENCY = 'latency';

export const bench: Command = {
  name: 'bench',
  summary: 'measure engine speed per case (one line each, or JSON lines with --json)',
  usage: 'axon bench [--json] [--case <name>] [--rate <hz>] [--seconds <s>] | bench --case latency [--json] [--events <n>] [--block <frames>]',
  async run(argv) {
    const { values } = parseFlags(
      argv,
      { json: { type: 'boolean' }, case: { type: 'string', multiple: true }, rate: { type: 'string' }, seconds: { type: 'string' }, events: { type: 'string' }, block: { type: 'string' } },
      { min: 0, max: 0, names: '' },
    );
    const sampleRate = choiceFlag('rate', values.rate, 48000, SAMPLE_RATES);
    const seconds = values.seconds === undefined ? undefined : numberFlag('seconds', values.seconds, 0, 0.1, 600);
    const all = [...BENCH_CASES.map((c) => c.name), VS_C];
    const names = values.case ?? all;
    for (const name of names) {
      if (!all.includes(name) && name !== LATENCY) throw axonError('cli_usage', `unknown case "${name}" (cases: ${[...all, LATENCY].join(', ')})`);
    }
    if ((values.events !== undefined || values.block !== undefined) && !names.includes(LATENCY)) throw axonError('cli_usage', '--events and --block apply to --case latency only');
    for (const c of BENCH_CASES.filter((x) => names.includes(x.name))) {
      const r = runBenchCase(c, sampleRate, seconds);
      if (values.json) stdio.out(JSON.stringify(r));
      else
        stdio.out(
          `${r.case.padEnd(18)} ${r.sampleRate} Hz  ${r.seconds.toFixed(1).padStart(5)} s audio  ${r.realtimeFactor.toFixed(1).padStart(7)}x real time  ${r.nsPerSample.toFixed(1).padStart(7)} ns/sample`,
        );
    }
    if (names.includes(VS_C)) {
      const r = reservoirVsC(sampleRate, seconds);
      if (values.json) stdio.out(JSON.stringify(r));
      else
        stdio.out(
          `${r.case.padEnd(18)} ${r.sampleRate} Hz  N=${r.neurons} ${r.kind}: ours ${r.nsPerSample.toFixed(1)} ns/sample, C (${r.compiler}) ${r.cNsPerSample.toFixed(1)} ns/sample: ${(100 * r.fractionOfC).toFixed(0)}% of C's speed`,
        );
    }
    if (names.includes(LATENCY)) {
      const blockSize = numberFlag('block', values.block, 128, MIN_BLOCK, MAX_BLOCK, true);
      if (!isValidBlockSize(blockSize)) throw axonError('cli_usage', `--block must be a multiple of 32 between ${MIN_BLOCK} and ${MAX_BLOCK}, got ${blockSize}`);
      const r = await latencyBenchIsolated({ sampleRate, blockSize, events: numberFlag('events', values.events, 400, 10, 100_000, true) });
      if (values.json) stdio.out(JSON.stringify(r));
      else
        stdio.out(
          `latency            ${r.sampleRate} Hz, ${r.blockSize} frames, ${r.sink} -> ${r.device}: p50 ${r.latencyP50Ms.toFixed(2)} ms, p99 ${r.latencyP99Ms.toFixed(2)} ms, max ${r.latencyMaxMs.toFixed(2)} ms over ${r.events} events; ${r.underruns} underruns; worker ${(100 * r.workerCpu).toFixed(1)}% of a core`,
        );
    }
    return 0;
  },
};
