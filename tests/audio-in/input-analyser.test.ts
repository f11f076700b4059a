// The live-input analyser against signals whose answers are known: sines and harmonic tones for
// pitch, noise and silence for "unvoiced", steps for the envelope, a synthetic drum recording for
// onsets (compared with the offline detector), and the same signal cut into different chunks.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSER, InputAnalyser, type AnalyserReading, type DetectedOnset } from '../../src/main/audio-in/input-analyser';
import { detectOnsets } from '../../src/main/drums/calibration/onsets';
import { mulberry32 } from '../dsp/measure';
import { addHits, SIX_HITS, type ModelHit } from '../support/drum-model';

const cents = (f: number, ref: number): number => 1200 * Math.log2(f / ref);

/** Generates n samples of f(i). */
function signal(n: number, f: (i: number) => number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = f(i);
  return x;
}

const sine = (rate: number, freq: number, seconds: number, amplitude = 0.5): Float32Array =>
  signal(Math.round(seconds * rate), (i) => amplitude * Math.sin((2 * Math.PI * freq * i) / rate + 0.3));

/** Band-limited harmonic tone: harmonic k at amplitude gains(k), up to Nyquist. */
function harmonic(rate: number, freq: number, seconds: number, gain: (k: number) => number): Float32Array {
  const ks: number[] = [];
  for (let k = 1; k * freq < rate / 2; k++) ks.push(k);
  const x = signal(Math.round(seconds * rate), (i) => ks.reduce((s, k) => s + gain(k) * Math.sin((2 * Math.PI * k * freq * i) / rate), 0));
  const peak = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return x.map((v) => (0.5 * v) / peak);
}

const white = (rate: number, seconds: number, amplitude: number, seed: number): Float32Array => {
  const rnd = mulberry32(seed);
  return signal(Math.round(seconds * rate), () => amplitude * (2 * rnd() - 1));
};

/** Model drum hits at their times in a noisy recording. */
function recording(rate: number, seconds: number, hits: readonly ModelHit[], seed: number, noise = 0.002): Float32Array {
  return addHits(white(rate, seconds, noise, seed), rate, hits);
}

interface Run {
  /** Samples consumed and a copy of the reading after each push. */
  readings: { at: number; reading: AnalyserReading }[];
  onsets: DetectedOnset[];
  /** analyser.samples when each onset was reported (with chunks of 1: the sample that confirmed it). */
  reportedAt: number[];
}

/** Pushes x in chunks of the given sizes (cycled). */
function run(an: InputAnalyser, x: Float32Array, chunks: readonly number[]): Run {
  const out: Run = { readings: [], onsets: [], reportedAt: [] };
  const start = an.samples;
  let i = 0;
  for (let c = 0; i < x.length; c++) {
    const size = Math.min(chunks[c % chunks.length], x.length - i);
    an.push(x.subarray(i, i + size), (o) => {
      out.onsets.push({ ...o });
      out.reportedAt.push(an.samples);
    });
    i += size;
    expect(an.samples).toBe(start + i);
    out.readings.push({ at: start + i, reading: { ...an.reading } });
  }
  return out;
}

/** Readings at each hop (pushing one hop at a time) after `skip` seconds. */
function hops(rate: number, x: Float32Array, skip = 0.1): AnalyserReading[] {
  const an = new InputAnalyser({ sampleRate: rate });
  return run(an, x, [an.hop])
    .readings.filter((r) => r.at >= skip * rate)
    .map((r) => r.reading);
}

describe('pitch', () => {
  for (const rate of [44100, 48000]) {
    it(`sines from 55 to 1318 Hz at ${rate} Hz read within 10 cents, voiced`, () => {
      for (const freq of [55, 82.4, 110, 220, 440, 880, 1318]) {
        const readings = hops(rate, sine(rate, freq, 0.4));
        expect(readings.length).toBeGreaterThan(50);
        for (const r of readings) {
          expect(r.voiced, `${freq} Hz`).toBe(true);
          expect(r.confidence, `${freq} Hz`).toBeGreaterThan(0.95);
          expect(Math.abs(cents(r.pitch, freq)), `${freq} Hz`).toBeLessThan(10);
        }
      }
    });
  }

  it('works at 96 kHz too', () => {
    for (const freq of [55, 440, 1318]) {
      for (const r of hops(96000, sine(96000, freq, 0.3))) {
        expect(r.voiced).toBe(true);
        expect(Math.abs(cents(r.pitch, freq)), `${freq} Hz`).toBeLessThan(10);
      }
    }
  });

  it('a sawtooth and a tone with a weak fundamental read at the fundamental, not an octave off', () => {
    const rate = 48000;
    for (const freq of [82.4, 110, 220, 440, 660]) {
      const saw = harmonic(rate, freq, 0.3, (k) => 1 / k);
      // Fundamental 20 dB under the second harmonic: a small speaker, a telephone.
      const weak = harmonic(rate, freq, 0.3, (k) => (k === 1 ? 0.05 : 1 / k));
      for (const [name, x] of [
        ['saw', saw],
        ['weak fundamental', weak],
      ] as const) {
        for (const r of hops(rate, x)) {
          expect(r.voiced, `${name} ${freq} Hz`).toBe(true);
          expect(Math.abs(cents(r.pitch, freq)), `${name} ${freq} Hz`).toBeLessThan(10);
        }
      }
    }
  });

  it('white noise is unvoiced at every hop, loud or quiet', () => {
    for (const amplitude of [0.5, 0.02]) {
      const readings = hops(48000, white(48000, 1, amplitude, 21));
      expect(readings.length).toBeGreaterThan(100);
      for (const r of readings) {
        expect(r.voiced).toBe(false);
        expect(r.confidence).toBeLessThan(0.8);
      }
    }
  });

  it('silence: envelope 0, unvoiced, no pitch yet', () => {
    const an = new InputAnalyser({ sampleRate: 48000 });
    const { readings, onsets } = run(an, new Float32Array(48000), [128]);
    expect(onsets).toEqual([]);
    for (const { reading } of readings) expect(reading).toEqual({ envelope: 0, levelDb: -90, pitch: 0, confidence: 0, voiced: false });
  });

  it('holds the last voiced pitch while unvoiced: through noise and silence', () => {
    const rate = 48000;
    const an = new InputAnalyser({ sampleRate: rate });
    an.push(sine(rate, 330, 0.3));
    expect(an.reading.voiced).toBe(true);
    const readings = [...run(an, white(rate, 0.3, 0.3, 3), [an.hop]).readings, ...run(an, new Float32Array(rate), [an.hop]).readings].map((r) => r.reading);
    // Voiced at most while the window still holds the tone (40 ms: 8 hops), then held.
    const lastVoiced = readings.findLastIndex((r) => r.voiced);
    expect(lastVoiced).toBeLessThan(8);
    const held = lastVoiced < 0 ? 330 : readings[lastVoiced].pitch;
    expect(Math.abs(cents(held, 330))).toBeLessThan(20);
    for (const r of readings.slice(lastVoiced + 1)) {
      expect(r.voiced).toBe(false);
      expect(r.pitch).toBe(held);
    }
  });

  it('a clean tone under the gate level is not voiced; the gate is an option', () => {
    const rate = 48000;
    const quiet = sine(rate, 220, 0.3, Math.pow(10, -56 / 20));
    for (const r of hops(rate, quiet)) {
      expect(r.confidence).toBeGreaterThan(0.95);
      expect(r.voiced).toBe(false);
    }
    const an = new InputAnalyser({ sampleRate: rate, gateDb: -70 });
    an.push(quiet);
    expect(an.reading.voiced).toBe(true);
    expect(Math.abs(cents(an.reading.pitch, 220))).toBeLessThan(10);
  });

  it('follows a glide from 200 to 400 Hz within 20 cents, a fixed window-length behind', () => {
    const rate = 48000;
    const phase = (t: number) => 2 * Math.PI * (200 * t + 100 * t * t); // f(t) = 200 + 200 t
    const x = signal(rate, (i) => 0.5 * Math.sin(phase(i / rate)));
    const an = new InputAnalyser({ sampleRate: rate });
    const readings = run(an, x, [an.hop]).readings.filter((r) => r.at >= 0.05 * rate);
    for (const r of readings) expect(r.reading.voiced).toBe(true);
    // The estimate describes the middle of the analysis window: find that delay, then the error.
    const worstAt = (lag: number) => Math.max(...readings.map((r) => Math.abs(cents(r.reading.pitch, 200 + 200 * (r.at / rate - lag)))));
    let lag = 0;
    for (let l = 0; l <= 0.05; l += 0.0005) if (worstAt(l) < worstAt(lag)) lag = l;
    expect(lag).toBeGreaterThan(0.02);
    expect(lag).toBeLessThan(0.035);
    expect(worstAt(lag)).toBeLessThan(20);
  });
});

describe('envelope', () => {
  it('a -6 dBFS sine step reads ~0.9 after the attack and falls below half within the release time', () => {
    const rate = 48000;
    const { attack, release } = DEFAULT_ANALYSER;
    const an = new InputAnalyser({ sampleRate: rate });
    const x = new Float32Array(Math.round(0.8 * rate));
    x.set(sine(rate, 440, 0.3), Math.round(0.1 * rate));
    const { readings } = run(an, x, [48]); // every millisecond
    const at = (t: number) => readings.find((r) => r.at >= Math.round(t * rate))!.reading.envelope;
    expect(at(0.099)).toBe(0);
    // The follower works on the dB level, from its -90 dB floor: well on its way after one
    // attack time, most of the way after three, and then the sine's peak level, without ripple.
    expect(at(0.1 + attack)).toBeGreaterThan(0.3);
    expect(at(0.1 + 3 * attack)).toBeGreaterThan(0.8);
    expect(at(0.1 + 5 * attack)).toBeCloseTo(0.9, 1);
    for (const t of [0.15, 0.2, 0.3, 0.399]) expect(at(t)).toBeCloseTo(0.9, 2);
    const steady = at(0.399);
    // Not instantaneous, but under half its value within the release time, and 0 soon after.
    expect(at(0.4 + release / 4)).toBeGreaterThan(steady / 2);
    expect(at(0.4 + release)).toBeLessThan(steady / 2);
    expect(at(0.4 + 1.5 * release)).toBe(0);
  });

  it('reads levels on the dB scale: -30 dBFS is about half, full scale 1, louder clamps', () => {
    const rate = 48000;
    for (const [db, expected] of [
      [-30, 0.5],
      [-12, 0.8],
      [0, 1],
      [6, 1],
    ]) {
      const an = new InputAnalyser({ sampleRate: rate });
      an.push(sine(rate, 200, 0.2, Math.pow(10, db / 20)));
      expect(an.reading.envelope, `${db} dBFS`).toBeCloseTo(expected, 1);
      expect(an.reading.levelDb, `${db} dBFS`).toBeGreaterThan(db - 2);
      expect(an.reading.levelDb, `${db} dBFS`).toBeLessThan(db + 0.5);
    }
  });
});

describe('onsets', () => {
  const rate = 48000;
  const hits = SIX_HITS;

  it('finds each hit within 1 ms of its start, as the offline detector does, and confirms it 10 ms (+ its rise) later', () => {
    const x = recording(rate, 1.3, hits, 4);
    const { onsets, reportedAt } = run(new InputAnalyser({ sampleRate: rate }), x, [1]);
    expect(onsets).toHaveLength(hits.length);
    onsets.forEach((o, i) => {
      expect(Math.abs(o.sample / rate - hits[i].at), `hit ${i}`).toBeLessThan(0.001);
      expect(o.strength, `hit ${i}`).toBeGreaterThan(0.5 * hits[i].level);
      // Found where the envelope doubled (at or just after the start: a strike inside a tail
      // crosses `edge` of its rise a little before it has doubled), reported one rise window later.
      expect((reportedAt[i] - o.sample) / rate, `hit ${i}`).toBeGreaterThanOrEqual(0.0099);
      expect((reportedAt[i] - o.sample) / rate, `hit ${i}`).toBeLessThan(0.012);
    });
    const offline = detectOnsets(x, rate);
    expect(offline).toHaveLength(onsets.length);
    offline.forEach((o, i) => {
      expect(Math.abs(o.time - onsets[i].sample / rate)).toBeLessThan(0.001);
      expect(onsets[i].strength).toBeCloseTo(o.strength, 6);
    });
  });

  it('finds hits at 44.1 kHz and 96 kHz too', () => {
    for (const r of [44100, 96000]) {
      const { onsets } = run(new InputAnalyser({ sampleRate: r }), recording(r, 1.3, hits, 9), [256]);
      expect(onsets.map((o) => o.sample / r)).toEqual(hits.map((h) => expect.closeTo(h.at, 3)));
    }
  });

  it('steady noise, silence and a held tone give none', () => {
    for (const x of [recording(rate, 2, [], 5, 0.01), recording(rate, 2, [], 6, 0.2), new Float32Array(rate), sine(rate, 300, 1, 0.1)]) {
      expect(run(new InputAnalyser({ sampleRate: rate }), x, [128]).onsets).toEqual([]);
    }
  });

  it('the noise floor follows the input: hits 8x above it count, smaller bumps do not', () => {
    // Loud steady noise: a hit at 4x its level is not an onset, one at 30x is.
    const x = recording(rate, 1.5, [{ at: 0.8, level: 0.04 }, { at: 1.2, level: 0.3 }], 7, 0.01);
    const { onsets } = run(new InputAnalyser({ sampleRate: rate }), x, [128]);
    expect(onsets.map((o) => o.sample / rate)).toEqual([expect.closeTo(1.2, 3)]);
  });

  it('keeps the minimum gap', () => {
    const x = recording(rate, 0.5, [{ at: 0.1, level: 0.3 }, { at: 0.12, level: 0.6 }, { at: 0.3, level: 0.6 }], 8);
    const times = (minGap: number) => run(new InputAnalyser({ sampleRate: rate, onset: { ...DEFAULT_ANALYSER.onset, minGap } }), x, [64]).onsets.map((o) => o.sample / rate);
    expect(times(0.04)).toEqual([expect.closeTo(0.1, 3), expect.closeTo(0.3, 3)]);
    expect(times(0.015)).toEqual([expect.closeTo(0.1, 3), expect.closeTo(0.12, 3), expect.closeTo(0.3, 3)]);
  });
});

describe('streaming', () => {
  it('gives the same readings and onsets however the input is chunked', () => {
    const rate = 48000;
    const seconds = 1.5;
    // A quiet glide (the onset noise floor follows it) under drum hits, then the hits alone.
    const glide = signal(Math.round(seconds * rate), (i) => 0.02 * Math.sin(2 * Math.PI * (150 * (i / rate) + 100 * (i / rate) ** 2)));
    const drums = recording(rate, seconds, [{ at: 0.2, level: 0.6 }, { at: 0.5, level: 0.3 }, { at: 0.9, level: 0.5 }, { at: 1.3, level: 0.4 }], 12);
    const x = glide.map((v, i) => v * (i > 0.7 * rate ? 0 : 1) + drums[i]);
    const reference = run(new InputAnalyser({ sampleRate: rate }), x, [1]);
    expect(reference.onsets).toHaveLength(4);
    const byPosition = new Map(reference.readings.map((r) => [r.at, r.reading]));
    const rnd = mulberry32(99);
    const ragged = Array.from({ length: 500 }, () => (rnd() < 0.1 ? 0 : Math.floor(rnd() * 700)));
    for (const chunks of [[37], [128], [4096], ragged]) {
      const got = run(new InputAnalyser({ sampleRate: rate }), x, chunks);
      expect(got.onsets, `chunks ${chunks.length === 1 ? chunks[0] : 'ragged'}`).toEqual(reference.onsets);
      for (const r of got.readings) expect(r.reading).toEqual(byPosition.get(r.at));
    }
  });

  it('reset() starts again as new; the reading is one object', () => {
    const rate = 44100;
    const x = recording(rate, 0.6, [{ at: 0.2, level: 0.5 }], 13);
    const an = new InputAnalyser({ sampleRate: rate });
    const reading = an.reading;
    const first = run(an, x, [500]);
    an.reset();
    expect(an.samples).toBe(0);
    expect(an.reading).toEqual({ envelope: 0, levelDb: -90, pitch: 0, confidence: 0, voiced: false });
    expect(run(an, x, [500])).toEqual(first);
    expect(an.reading).toBe(reading);
  });

  it('a NaN or infinity in the input does not stick', () => {
    const rate = 48000;
    const x = recording(rate, 0.6, [{ at: 0.4, level: 0.5 }], 14);
    x[1000] = NaN;
    x[2000] = Infinity;
    x[3000] = -Infinity;
    const an = new InputAnalyser({ sampleRate: rate });
    const { readings, onsets } = run(an, x, [128]);
    for (const { reading } of readings) for (const v of Object.values(reading)) expect(Number.isFinite(Number(v))).toBe(true);
    expect(onsets.map((o) => o.sample / rate)).toEqual([expect.closeTo(0.4, 3)]);
    an.push(sine(rate, 440, 0.2));
    expect(Math.abs(cents(an.reading.pitch, 440))).toBeLessThan(10);
  });

  it('hops about every 256 samples at 48 kHz, scaled with the rate', () => {
    expect(new InputAnalyser({ sampleRate: 48000 }).hop).toBe(256);
    expect(Math.abs(new InputAnalyser({ sampleRate: 44100 }).hop - 235)).toBeLessThan(5);
    expect(new InputAnalyser({ sampleRate: 96000 }).hop).toBe(512);
  });
});

describe('options', () => {
  it('rejects bad options by name', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ sampleRate: 0 }, /sampleRate/],
      [{ sampleRate: NaN }, /sampleRate/],
      [{ sampleRate: 48000, attack: 0 }, /attack/],
      [{ sampleRate: 48000, release: -1 }, /release/],
      [{ sampleRate: 48000, minPitch: 5 }, /minPitch/],
      [{ sampleRate: 48000, minPitch: 500, maxPitch: 400 }, /maxPitch/],
      [{ sampleRate: 8000, maxPitch: 1500 }, /maxPitch/],
      [{ sampleRate: 48000, voicedThreshold: 1.5 }, /voicedThreshold/],
      [{ sampleRate: 48000, gateDb: Infinity }, /gateDb/],
      [{ sampleRate: 48000, onset: { ...DEFAULT_ANALYSER.onset, edge: 0 } }, /onset\.edge/],
      [{ sampleRate: 48000, onset: { ...DEFAULT_ANALYSER.onset, ratio: 0.5 } }, /onset\.ratio/],
      [{ sampleRate: 48000, onset: { ...DEFAULT_ANALYSER.onset, minGap: -0.01 } }, /onset\.minGap/],
    ];
    for (const [options, name] of bad) {
      expect(() => new InputAnalyser(options as never), JSON.stringify(options)).toThrow(name);
      expect(() => new InputAnalyser(options as never)).toThrow(RangeError);
    }
  });

  it('defaults match the brief and the offline onset detector', () => {
    expect(DEFAULT_ANALYSER).toMatchObject({ attack: 0.005, release: 0.12, minPitch: 50, maxPitch: 1500, voicedThreshold: 0.8, gateDb: -50 });
    expect(DEFAULT_ANALYSER.onset).toEqual({ release: 0.05, ratio: 8, floor: 0.002, edge: 0.2, minGap: 0.04 });
  });
});
