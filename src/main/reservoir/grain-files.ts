import path from 'node:path';
import { axonError } from '../../shared/errors';
import type { Hertz } from '../../shared/units';
import { resample } from '../wav/resample';
import { readWav, toMono, type DecodedAudio } from '../wav/wav-reader';
import { DEFAULT_SLICE, normalizeGrains, sliceGrains, type SliceOptions } from './grains';
import { MIN_GRAIN } from './train';

/** Quieter than 16-bit dither: a file this quiet throughout holds nothing to learn. */
const SILENCE = 1e-5;

/** Mono audio of a file at the engine rate, as training reads it, with the reader's warnings and what the file holds. */
export function loadMono(file: string, rate: Hertz): { samples: Float32Array; warnings: string[]; source: Omit<DecodedAudio, 'data' | 'warnings'> } {
  const audio = readWav(file);
  const samples = resample(toMono(audio), audio.sampleRate, rate);
  const source = { sampleRate: audio.sampleRate, channels: audio.channels, frames: audio.frames, format: audio.format };
  return { samples, warnings: audio.warnings.map((w) => `${path.basename(file)}: ${w}`), source };
}

/** True when nothing in the samples rises above dither: nothing to learn. */
export const isSilent = (samples: Float32Array): boolean => !samples.some((v) => Math.abs(v) > SILENCE);

/** Mono audio of a file at the engine rate; a silent file is refused. */
function loadAudio(file: string, rate: Hertz): { samples: Float32Array; warnings: string[] } {
  const a = loadMono(file, rate);
  if (isSilent(a.samples)) throw axonError('training_input', `${file} is silent`);
  return { samples: a.samples, warnings: a.warnings };
}

/** Grains from whole files (one pattern each) or one file cut at its zero crossings, normalised together. */
export function loadGrains(files: { grains?: string[]; slice?: string }, rate: Hertz, slicing: SliceOptions = DEFAULT_SLICE): { grains: Float32Array[]; warnings: string[] } {
  const warnings: string[] = [];
  let grains: Float32Array[];
  if (files.slice !== undefined) {
    const a = loadAudio(files.slice, rate);
    warnings.push(...a.warnings);
    grains = sliceGrains(a.samples, slicing);
    if (grains.length === 0) throw axonError('training_input', `${files.slice} has no negative-going zero crossings to cut grains at`);
  } else {
    grains = (files.grains ?? []).map((f) => {
      const a = loadAudio(f, rate);
      warnings.push(...a.warnings);
      if (a.samples.length < MIN_GRAIN) throw axonError('training_input', `${f} holds ${a.samples.length} samples at ${rate} Hz; a grain needs at least ${MIN_GRAIN}`);
      return a.samples;
    });
  }
  return { grains: normalizeGrains(grains), warnings };
}
