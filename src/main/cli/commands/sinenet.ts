import path from 'node:path';
import { axonError } from '../../../shared/errors';
import { SAMPLE_RATES } from '../../../shared/engine-config';
import { SINENET_LIMITS } from '../../../shared/sinenet-design';
import { SINENET_VERDICTS, type SineNetVerdict } from '../../sinenet/analyse';
import { sineNetResults } from '../../sinenet/batch';
import { PACK_FILE, PackWriter, type SineNetPackEntry } from '../../sinenet/pack';
import { choiceFlag, numberFlag, parseFlags } from '../args';
import { stdio, type Command } from '../command';

const MAX_COUNT = 999;

const db = (x: number) => (x > 0 ? `${(20 * Math.log10(x)).toFixed(1)} dB` : '-inf dB');

/** One line per sound: index, verdict, shape, then the measures the verdict looks at. */
function line(e: SineNetPackEntry): string {
  const d = e.design;
  const m = e.metrics;
  const shape = `L${d.length} g${d.gap} [${d.hidden.join(',')}]`;
  return [
    String(e.index).padStart(4),
    e.verdict.padEnd(6),
    shape.padEnd(18),
    `rms ${db(m.rms).padStart(9)}`,
    `dc ${(m.dc >= 0 ? '+' : '') + m.dc.toFixed(3)}`,
    `ac ${db(m.acRms).padStart(9)}`,
    `late ${db(m.lateRms).padStart(9)}`,
    `flat ${m.flatness.toFixed(3)}`,
    `zcrvar ${m.zcrVariation.toFixed(3)}`,
    ...(e.file ? [`-> ${e.file}`] : []),
  ].join('  ');
}

export const sinenet: Command = {
  name: 'sinenet',
  summary: 'generate random sine networks playing on their own history; write the keepers as a sample pack',
  usage: 'axon sinenet pack --count <n> --out <dir> [--seed <n>] [--seconds <s>] [--rate <hz>] [--drift <r>] [--json]',
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        count: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        seconds: { type: 'string' },
        rate: { type: 'string' },
        drift: { type: 'string' },
        json: { type: 'boolean' },
      },
      { min: 1, max: 1, names: 'what to do (pack)' },
    );
    if (positionals[0] !== 'pack') throw axonError('cli_usage', `unknown sinenet action "${positionals[0]}" (the action is "pack")`);
    if (values.count === undefined) throw axonError('cli_usage', 'missing --count');
    if (values.out === undefined) throw axonError('cli_usage', 'missing --out');
    if (values.out.trim() === '') throw axonError('cli_usage', '--out needs a folder');
    const count = numberFlag('count', values.count, 0, 1, MAX_COUNT, true);
    const seed = numberFlag('seed', values.seed, 1, 0, 0xffffffff, true);
    const seconds = numberFlag('seconds', values.seconds, 2, 0.1, 60);
    const sampleRate = choiceFlag('rate', values.rate, 48000, SAMPLE_RATES);
    const drift = numberFlag('drift', values.drift, 0, 0, SINENET_LIMITS.maxDrift);
    const options = { count, seed, seconds, sampleRate, drift };

    const t0 = performance.now();
    // The folder is checked before anything renders.
    const writer = new PackWriter(values.out, options);
    const kept: SineNetPackEntry[] = [];
    const rejected: SineNetPackEntry[] = [];
    for (const result of sineNetResults(options)) {
      const entry = writer.add(result);
      (entry.verdict === 'keep' ? kept : rejected).push(entry);
      if (!values.json) stdio.out(line(entry));
    }
    writer.finish();
    const renderSeconds = (performance.now() - t0) / 1000;
    const reasons = Object.fromEntries(SINENET_VERDICTS.filter((v) => v !== 'keep').map((v) => [v, rejected.filter((e) => e.verdict === v).length])) as Record<
      Exclude<SineNetVerdict, 'keep'>,
      number
    >;
    if (values.json) {
      stdio.out(JSON.stringify({ out: values.out, pack: path.join(values.out, PACK_FILE), seed, count, sampleRate, seconds, drift, kept, rejected, reasons, renderSeconds }));
      return 0;
    }
    const why = Object.entries(reasons)
      .map(([v, n]) => `${v} ${n}`)
      .join(', ');
    stdio.out(`kept ${kept.length} of ${count}, rejected ${rejected.length} (${why}) -> ${path.join(values.out, PACK_FILE)} in ${renderSeconds.toFixed(1)} s`);
    return 0;
  },
};
