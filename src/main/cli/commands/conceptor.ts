import path from 'node:path';
import { audioStats } from '../../../shared/audio-stats';
import { SAMPLE_RATES } from '../../../shared/engine-config';
import { axonError } from '../../../shared/errors';
import type { ReservoirHyper } from '../../../worker/reservoir/reservoir-model';
import { writeFileAtomic } from '../../files';
import { loadGrains } from '../../reservoir/grain-files';
import { loadModel, MODEL_EXTENSION, saveModel } from '../../reservoir/model-file';
import { renderModel } from '../../reservoir/render-model';
import { searchHyper, type SearchMethod } from '../../reservoir/search';
import { DEFAULT_SLICE } from '../../reservoir/grains';
import { DEFAULT_HYPER, MIN_GRAIN, trainReservoir } from '../../reservoir/train';
import { encodeWavFloat32 } from '../../wav/wav-file';
import { choiceFlag, numberFlag, parseFlags } from '../args';
import { stdio, type Command } from '../command';

const SUBCOMMANDS = ['train', 'render', 'search'] as const;

function hyperFlags(values: Record<string, string | string[] | boolean | undefined>): ReservoirHyper {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  return {
    ...DEFAULT_HYPER,
    neurons: numberFlag('neurons', str('neurons'), DEFAULT_HYPER.neurons, 16, 1024, true),
    kind: values.diagonal === true ? 'diagonal' : 'full',
    leak: numberFlag('leak', str('leak'), DEFAULT_HYPER.leak, 0.01, 1),
    spectralRadius: numberFlag('radius', str('radius'), DEFAULT_HYPER.spectralRadius, 0.01, 5),
    inputScaling: numberFlag('input-scaling', str('input-scaling'), DEFAULT_HYPER.inputScaling, 0, 10),
    biasScaling: numberFlag('bias-scaling', str('bias-scaling'), DEFAULT_HYPER.biasScaling, 0, 10),
    connections: numberFlag('connections', str('connections'), DEFAULT_HYPER.connections, 1, 1024),
    seed: numberFlag('seed', str('seed'), DEFAULT_HYPER.seed, 0, 0xffffffff, true),
  };
}

const TRAIN_FLAGS = {
  grains: { type: 'string', multiple: true },
  slice: { type: 'string' },
  neurons: { type: 'string' },
  diagonal: { type: 'boolean' },
  leak: { type: 'string' },
  radius: { type: 'string' },
  'input-scaling': { type: 'string' },
  'bias-scaling': { type: 'string' },
  connections: { type: 'string' },
  'min-grain': { type: 'string' },
  'max-grains': { type: 'string' },
  seed: { type: 'string' },
  rate: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

async function train(argv: string[]): Promise<number> {
  // `--grains a.wav b.wav` takes every following file: gather them before strict parsing.
  const { values, positionals } = parseFlags(argv, TRAIN_FLAGS, { min: 0, max: Infinity, names: '' });
  const grainFiles = [...(values.grains ?? []), ...positionals];
  if (values.slice !== undefined && grainFiles.length > 0) throw axonError('cli_usage', 'give either --grains <files...> or --slice <file>, not both');
  if (values.slice === undefined && grainFiles.length === 0) throw axonError('cli_usage', 'missing --grains <a.wav> [<b.wav> ...] or --slice <file.wav>');
  if (values.grains === undefined && positionals.length > 0) throw axonError('cli_usage', `unexpected argument "${positionals[0]}"`);
  const rate = choiceFlag('rate', values.rate, 48000, SAMPLE_RATES);
  const hyper = hyperFlags(values);
  const slicing = {
    minLength: numberFlag('min-grain', values['min-grain'], DEFAULT_SLICE.minLength, MIN_GRAIN, 1_000_000, true),
    maxCount: numberFlag('max-grains', values['max-grains'], DEFAULT_SLICE.maxCount, 1, 10_000, true),
  };
  const { grains, warnings } = loadGrains({ grains: grainFiles, slice: values.slice }, rate, slicing);
  const { model, report } = trainReservoir(grains, hyper, { sampleRate: rate });
  if (values.out !== undefined) saveModel(values.out, model);
  const allWarnings = [...warnings, ...report.warnings];
  if (values.json) {
    const grainsOut = report.grains.map((g) => ({ nrmse: Number.isFinite(g.nrmse) ? g.nrmse : null, aperture: g.aperture }));
    stdio.out(JSON.stringify({ grains: grainsOut, trainSeconds: report.trainSeconds, neurons: hyper.neurons, kind: hyper.kind, out: values.out ?? null, warnings: allWarnings }));
    return 0;
  }
  report.grains.forEach((g, i) => stdio.out(`grain ${String(i).padStart(3)}  ${String(grains[i].length).padStart(6)} samples  aperture ${g.aperture.toFixed(1).padStart(7)}  NRMSE ${g.nrmse.toFixed(4)}`));
  for (const w of allWarnings) stdio.err(`warning: ${w}`);
  stdio.out(`trained ${grains.length} grains on ${hyper.neurons} neurons (${hyper.kind} conceptors) in ${report.trainSeconds.toFixed(2)} s${values.out ? ` -> ${values.out}` : ''}`);
  return 0;
}

/** `i:j:t`: morph t of the way from grain i to grain j. */
function morphFlag(raw: string | undefined): { from: number; to: number; amount: number } | null {
  if (raw === undefined) return null;
  const m = /^(\d+):(\d+):([0-9.]+)$/.exec(raw);
  if (!m) throw axonError('cli_usage', `--morph needs <i>:<j>:<t> (grains i and j, t from 0 to 1), got "${raw}"`);
  const amount = Number(m[3]);
  if (!(amount >= 0 && amount <= 1)) throw axonError('cli_usage', `--morph amount must be between 0 and 1, got ${m[3]}`);
  return { from: Number(m[1]), to: Number(m[2]), amount };
}

async function render(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      seconds: { type: 'string' },
      out: { type: 'string' },
      speed: { type: 'string' },
      leak: { type: 'string' },
      radius: { type: 'string' },
      gain: { type: 'string' },
      morph: { type: 'string' },
      rate: { type: 'string' },
      json: { type: 'boolean' },
    },
    { min: 1, max: 1, names: 'the model to render' },
  );
  if (values.seconds === undefined) throw axonError('cli_usage', 'missing --seconds');
  if (values.out === undefined) throw axonError('cli_usage', 'missing --out');
  const seconds = numberFlag('seconds', values.seconds, 0, 0.001, 3600);
  const rate = choiceFlag('rate', values.rate, 48000, SAMPLE_RATES);
  const morph = morphFlag(values.morph);
  const controls = {
    speed: numberFlag('speed', values.speed, 1, -16, 16),
    leak: numberFlag('leak', values.leak, 1, 0, 2),
    radius: numberFlag('radius', values.radius, 1, 0, 2),
    gain: numberFlag('gain', values.gain, 1, 0, 16),
  };
  const model = loadModel(positionals[0]);
  if (morph && (morph.from >= model.grains.length || morph.to >= model.grains.length)) {
    throw axonError('cli_usage', `--morph names grain ${Math.max(morph.from, morph.to)} but the model has ${model.grains.length} grains (0..${model.grains.length - 1})`);
  }
  const audio = renderModel(model, { sampleRate: rate, seconds, ...controls, morph });
  writeFileAtomic(values.out, encodeWavFloat32(audio, 2, rate));
  const [L] = audioStats(audio, 2);
  if (values.json) stdio.out(JSON.stringify({ out: values.out, seconds, sampleRate: rate, peakDbfs: L.peakDb, rmsDbfs: L.rmsDb, dc: L.dc }));
  else stdio.out(`rendered ${path.basename(positionals[0])}: ${seconds} s at ${rate} Hz -> ${values.out}; peak ${L.peakDb.toFixed(2)} dBFS, rms ${L.rmsDb.toFixed(2)} dBFS, dc ${L.dc.toExponential(2)}`);
  return 0;
}

async function search(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { trials: { type: 'string' }, method: { type: 'string' }, slice: { type: 'boolean' }, diagonal: { type: 'boolean' }, mfcc: { type: 'boolean' }, seed: { type: 'string' }, rate: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
    { min: 1, max: Infinity, names: 'the audio files to search on' },
  );
  if (values.trials === undefined) throw axonError('cli_usage', 'missing --trials');
  const trials = numberFlag('trials', values.trials, 0, 1, 10000, true);
  const method = choiceFlag<SearchMethod>('method', values.method, 'ga', ['random', 'ga']);
  const rate = choiceFlag('rate', values.rate, 48000, SAMPLE_RATES);
  const { grains } = values.slice ? loadGrains({ slice: positionals[0] }, rate) : loadGrains({ grains: positionals }, rate);
  const result = searchHyper(grains, {
    trials,
    method,
    sampleRate: rate,
    seed: numberFlag('seed', values.seed, 1, 0, 0xffffffff, true),
    kind: values.diagonal === true ? 'diagonal' : 'full',
    useMfcc: values.mfcc === true,
    onTrial: values.json
      ? undefined
      : (t) => stdio.out(`trial ${String(t.index).padStart(4)}  score ${t.score.toFixed(4)}  NRMSE ${t.nrmse.toFixed(4)}  N ${t.hyper.neurons}  radius ${t.hyper.spectralRadius.toFixed(2)}  leak ${t.hyper.leak.toFixed(2)}  input ${t.hyper.inputScaling.toFixed(2)}  aperture <= ${t.hyper.apertureMax.toFixed(0)}`),
  });
  if (values.out !== undefined) saveModel(values.out, result.bestModel);
  if (values.json) stdio.out(JSON.stringify({ best: { score: result.best.score, nrmse: result.best.nrmse, hyper: result.best.hyper }, trials: result.trials.length, seconds: result.seconds }));
  else stdio.out(`best of ${result.trials.length} (${method}): score ${result.best.score.toFixed(4)}, NRMSE ${result.best.nrmse.toFixed(4)}${values.out ? ` -> ${values.out}` : ''}`);
  return 0;
}

export const conceptor: Command = {
  name: 'conceptor',
  summary: 'train, render and tune conceptor reservoirs (conceptular synthesis)',
  usage: `axon conceptor train (--grains <a.wav> [<b.wav> ...] | --slice <file.wav> [--min-grain n] [--max-grains n]) [--neurons N] [--diagonal]
      [--radius x] [--leak x] [--input-scaling x] [--bias-scaling x] [--connections n] [--seed n] [--out <model${MODEL_EXTENSION}>] [--json]
  axon conceptor render <model> --seconds <s> --out <file.wav> [--speed x] [--leak x] [--radius x] [--morph <i>:<j>:<t>]
  axon conceptor search <files...> --trials N [--method random|ga] [--slice] [--diagonal] [--mfcc] [--out <model>] [--json]`,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'train') return train(rest);
    if (sub === 'render') return render(rest);
    if (sub === 'search') return search(rest);
    throw axonError('cli_usage', sub === undefined ? `missing subcommand (${SUBCOMMANDS.join(', ')})` : `unknown subcommand "${sub}" (${SUBCOMMANDS.join(', ')})`);
  },
};
