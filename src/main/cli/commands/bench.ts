import { axonError } from '../../../shared/errors';
import { SAMPLE_RATES } from '../../../shared/engine-config';
import { BENCH_CASES, runBenchCase } from '../../bench/bench-cases';
import { choiceFlag, numberFlag, parseFlags } from '../args';
import { stdio, type Command } from '../command';

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
    const names = values.case ?? BENCH_CASES.map((c) => c.name);
    for (const name of names) {
      if (!BENCH_CASES.some((c) => c.name === name)) throw axonError('cli_usage', `unknown case "${name}" (cases: ${BENCH_CASES.map((c) => c.name).join(', ')})`);
    }
    for (const c of BENCH_CASES.filter((x) => names.includes(x.name))) {
      const r = runBenchCase(c, sampleRate, seconds);
      if (values.json) stdio.out(JSON.stringify(r));
      else
        stdio.out(
          `${r.case.padEnd(18)} ${r.sampleRate} Hz  ${r.seconds.toFixed(1).padStart(5)} s audio  ${r.realtimeFactor.toFixed(1).padStart(7)}x real time  ${r.nsPerSample.toFixed(1).padStart(7)} ns/sample`,
        );
    }
    return 0;
  },
};
