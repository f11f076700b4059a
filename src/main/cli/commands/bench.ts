import { axonError } from '../../../shared/errors';
import { SAMPLE_RATES } from '../../../shared/engine-config';
import { BENCH_CASES, runBenchCase } from '../../bench/bench-cases';
import { reservoirVsC } from '../../bench/reservoir-vs-c';
import { choiceFlag, numberFlag, parseFlags } from '../args';
import { stdio, type Command } from '../command';

/** Not an engine case: our reservoir step against the same step in C. */
const VS_C = 'reservoir-vs-c';

export const bench: Command = {
  name: 'bench',
  summary: 'measure engine speed per case (one line each, or JSON lines with --json)',
  usage: 'axon bench [--json] [--case <name>] [--rate <hz>] [--seconds <s>]',
  async run(argv) {
    const { values } = parseFlags(
      argv,
      { json: { type: 'boolean' }, case: { type: 'string', multiple: true }, rate: { type: 'string' }, seconds: { type: 'string' } },
      { min: 0, max: 0, names: '' },
    );
    const sampleRate = choiceFlag('rate', values.rate, 48000, SAMPLE_RATES);
    const seconds = values.seconds === undefined ? undefined : numberFlag('seconds', values.seconds, 0, 0.1, 600);
    const all = [...BENCH_CASES.map((c) => c.name), VS_C];
    const names = values.case ?? all;
    for (const name of names) {
      if (!all.includes(name)) throw axonError('cli_usage', `unknown case "${name}" (cases: ${all.join(', ')})`);
    }
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
    return 0;
  },
};
