import { readFileSync } from 'node:fs';
import path from 'node:path';
import { audioStats } from '../../../shared/audio-stats';
import { axonError } from '../../../shared/errors';
import { OUT_DRUM, OUT_NAN, OUT_NOTE_ON, parseEventLog } from '../../../shared/events';
import { layoutPatch } from '../../../shared/patch/layout';
import { renderOffline } from '../../../worker/offline-render';
import { SAMPLE_RATES } from '../../../shared/engine-config';
import { writeFileAtomic } from '../../files';
import { readPlayablePatch } from '../../patches/patch-assets';
import { encodeWavFloat32 } from '../../wav/wav-file';
import { choiceFlag, numberFlag, parseFlags } from '../args';
import { stdio, type Command } from '../command';

const fmtDb = (db: number) => (Number.isFinite(db) ? `${db.toFixed(2)} dBFS` : '-inf dBFS');

export const render: Command = {
  name: 'render',
  summary: 'render a patch offline to a 32-bit float WAV',
  usage: 'axon render <patch.json|name> --seconds <s> --out <file.wav> [--seed <n>] [--rate <hz>] [--events <log.jsonl>] [--virtual-drums] [--json]',
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        seconds: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        rate: { type: 'string' },
        events: { type: 'string' },
        'virtual-drums': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      { min: 1, max: 1, names: 'the patch to render' },
    );
    if (values.seconds === undefined) throw axonError('cli_usage', 'missing --seconds');
    if (values.out === undefined) throw axonError('cli_usage', 'missing --out');
    const seconds = numberFlag('seconds', values.seconds, 0, 0.001, 3600);
    const sampleRate = choiceFlag('rate', values.rate, 48000, SAMPLE_RATES);
    const { patch, assets } = readPlayablePatch(positionals[0]);
    const seed = numberFlag('seed', values.seed, patch.seed ?? 1, 0, 0xffffffff, true);
    const layout = layoutPatch(patch);
    let events: Float64Array | undefined;
    if (values.events !== undefined) {
      let text: string;
      try {
        text = readFileSync(values.events, 'utf8');
      } catch (err) {
        throw axonError('file_read', values.events, err instanceof Error ? err.message : String(err));
      }
      events = parseEventLog(text, path.basename(values.events), layout, sampleRate);
    }
    const t0 = performance.now();
    const result = renderOffline(layout, { sampleRate, seconds, seed, events, assets, virtualDrums: values['virtual-drums'] === true });
    const wall = (performance.now() - t0) / 1000;
    const wav = encodeWavFloat32(result.audio, 2, sampleRate);
    writeFileAtomic(values.out, wav);
    const [L, R] = audioStats(result.audio, 2);
    const count = (type: number) => result.outEvents.filter((e) => e[1] === type).length;
    const summary = {
      patch: patch.name,
      out: values.out,
      seconds,
      sampleRate,
      seed,
      frames: result.frames,
      peakDbfs: [L.peakDb, R.peakDb],
      rmsDbfs: [L.rmsDb, R.rmsDb],
      dc: [L.dc, R.dc],
      notes: count(OUT_NOTE_ON),
      drums: count(OUT_DRUM),
      nanEvents: result.nanEvents,
      nanReports: count(OUT_NAN),
      renderSeconds: wall,
    };
    if (values.json) {
      stdio.out(JSON.stringify(summary));
      return 0;
    }
    stdio.out(`rendered "${patch.name}": ${seconds} s at ${sampleRate} Hz, seed ${seed} -> ${values.out} (${(wav.length / 1e6).toFixed(1)} MB, ${(seconds / wall).toFixed(0)}x real time)`);
    stdio.out(`peak  L ${fmtDb(L.peakDb)}   R ${fmtDb(R.peakDb)}`);
    stdio.out(`rms   L ${fmtDb(L.rmsDb)}   R ${fmtDb(R.rmsDb)}`);
    stdio.out(`dc    L ${L.dc.toExponential(2)}   R ${R.dc.toExponential(2)}`);
    stdio.out(`events: ${summary.notes} notes, ${summary.drums} drum hits, ${summary.nanEvents} NaN/Inf recoveries`);
    return 0;
  },
};
