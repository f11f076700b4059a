import FFT from 'fft.js';
import { describe, expect, it } from 'vitest';
import { resample } from '../../src/main/wav/resample';

const toDb = (x: number): number => 20 * Math.log10(x);

function sine(freq: number, rate: number, length: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length }, (_, i) => amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
}

/**
 * Least-squares fit of a*sin + b*cos at `freq` over y[lo, hi): the amplitude, and the RMS of
 * what is left (scaled like an amplitude, i.e. times sqrt 2). A tiny residual at the original
 * frequency also proves the frequency was kept: a drift would leave a growing error.
 */
function fitSine(y: Float32Array, freq: number, rate: number, lo: number, hi: number): { amplitude: number; residual: number } {
  let ss = 0;
  let cc = 0;
  let sc = 0;
  let ys = 0;
  let yc = 0;
  for (let i = lo; i < hi; i++) {
    const s = Math.sin((2 * Math.PI * freq * i) / rate);
    const c = Math.cos((2 * Math.PI * freq * i) / rate);
    ss += s * s;
    cc += c * c;
    sc += s * c;
    ys += y[i] * s;
    yc += y[i] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  let err = 0;
  for (let i = lo; i < hi; i++) {
    const e = y[i] - a * Math.sin((2 * Math.PI * freq * i) / rate) - b * Math.cos((2 * Math.PI * freq * i) / rate);
    err += e * e;
  }
  return { amplitude: Math.hypot(a, b), residual: Math.sqrt((2 * err) / (hi - lo)) };
}

/** RMS of y[lo, hi), scaled like an amplitude (a sine of amplitude A reads A). */
function level(y: Float32Array, lo: number, hi: number): number {
  let sum = 0;
  for (let i = lo; i < hi; i++) sum += y[i] * y[i];
  return Math.sqrt((2 * sum) / (hi - lo));
}

/** Blackman-Harris (4-term, sidelobes < -92 dB) magnitude spectrum; a bin-centred sine of amplitude A reads A. */
function spectrum(y: Float32Array, start: number, size: number): Float64Array {
  const input = new Float64Array(size);
  let wsum = 0;
  for (let i = 0; i < size; i++) {
    const p = (2 * Math.PI * i) / size;
    const w = 0.35875 - 0.48829 * Math.cos(p) + 0.14128 * Math.cos(2 * p) - 0.01168 * Math.cos(3 * p);
    input[i] = y[start + i] * w;
    wsum += w;
  }
  const fft = new FFT(size);
  const out = fft.createComplexArray() as number[];
  fft.realTransform(out, input);
  return Float64Array.from({ length: size / 2 + 1 }, (_, k) => (2 * Math.hypot(out[2 * k], out[2 * k + 1])) / wsum);
}

/** Samples to leave out at each end: the filter's start-up transient, 10 ms with room to spare. */
const edge = (rate: number): number => Math.ceil(0.01 * rate);

const PAIRS: readonly (readonly [number, number])[] = [
  [44100, 48000],
  [48000, 44100],
  [22050, 48000],
  [96000, 48000],
];

describe('resample: shape', () => {
  it('returns a copy when the rates match', () => {
    const x = sine(1000, 48000, 100);
    const y = resample(x, 48000, 48000);
    expect(y).toEqual(x);
    expect(y).not.toBe(x);
  });

  it('output length is round(input length * to / from)', () => {
    for (const [from, to] of [...PAIRS, [8000, 48000], [48000, 8000], [44100, 22050], [48000, 16000], [12345, 6789]]) {
      for (const n of [0, 1, 2, 3, 7, 100, 441, 4410, 44101]) {
        expect(resample(new Float32Array(n), from, to).length, `${n} @ ${from} -> ${to}`).toBe(Math.round((n * to) / from));
      }
    }
  });

  it('refuses rates that are not positive and finite', () => {
    for (const [from, to] of [[0, 48000], [48000, -1], [NaN, 48000], [48000, Infinity]]) {
      expect(() => resample(new Float32Array(10), from, to)).toThrow(RangeError);
    }
  });
});

describe('resample: a 1 kHz sine keeps its frequency and amplitude', () => {
  for (const [from, to] of PAIRS) {
    it(`${from / 1000} -> ${to / 1000} kHz`, () => {
      const y = resample(sine(1000, from, from), from, to); // one second
      const fit = fitSine(y, 1000, to, edge(to), y.length - edge(to));
      expect(Math.abs(toDb(fit.amplitude / 0.5))).toBeLessThan(0.05);
      expect(toDb(fit.residual / 0.5)).toBeLessThan(-80);
    });
  }
});

describe('resample: the passband is flat to 90 % of the lower Nyquist', () => {
  for (const [from, to] of PAIRS) {
    it(`${from / 1000} -> ${to / 1000} kHz`, () => {
      const nyquist = Math.min(from, to) / 2;
      for (const f of [50, 0.25 * nyquist, 0.5 * nyquist, 0.75 * nyquist, 0.9 * nyquist]) {
        const y = resample(sine(f, from, from / 4), from, to);
        const fit = fitSine(y, f, to, edge(to), y.length - edge(to));
        expect(Math.abs(toDb(fit.amplitude / 0.5)), `${f} Hz`).toBeLessThan(0.05);
        expect(toDb(fit.residual / 0.5), `${f} Hz`).toBeLessThan(-80);
      }
    });
  }
});

describe('resample: downsampling does not alias', () => {
  it('a 20 kHz tone resampled 48 -> 22.05 kHz vanishes (< -80 dB)', () => {
    const y = resample(sine(20000, 48000, 48000), 48000, 22050);
    expect(toDb(level(y, edge(22050), y.length - edge(22050)) / 0.5)).toBeLessThan(-80);
  });

  it('every tone between the new Nyquist and the old one vanishes (< -80 dB)', () => {
    for (const [from, to] of [[48000, 44100], [48000, 22050], [96000, 48000]]) {
      for (let f = to / 2 + 10; f < from / 2; f += (from - to) / 2 / 37) {
        const y = resample(sine(f, from, from / 4), from, to);
        expect(toDb(level(y, edge(to), y.length - edge(to)) / 0.5), `${f} Hz at ${from} -> ${to}`).toBeLessThan(-80);
      }
    }
  });
});

describe('resample: upsampling does not image', () => {
  it('nothing above the old Nyquist for tones up to it, 22.05 -> 48 kHz (< -80 dB)', () => {
    const size = 16384;
    for (const f of [1000, 5000, 9000, 9900]) {
      const y = resample(sine(f, 22050, 22050), 22050, 48000);
      const mag = spectrum(y, edge(48000), size);
      const firstImageBin = Math.ceil((11025 / 48000) * size);
      let worst = 0;
      for (let k = firstImageBin; k < mag.length; k++) worst = Math.max(worst, mag[k]);
      expect(toDb(worst / 0.5), `${f} Hz`).toBeLessThan(-80);
      // And nothing else but the tone anywhere (images that fold below the old Nyquist too).
      const fit = fitSine(y, f, 48000, edge(48000), y.length - edge(48000));
      expect(toDb(fit.residual / 0.5), `${f} Hz`).toBeLessThan(-80);
    }
  });

  it('tones in the transition band leave no image either, 44.1 -> 48 kHz (< -80 dB)', () => {
    for (let f = 19900; f < 22050; f += 150) {
      const y = resample(sine(f, 44100, 11025), 44100, 48000);
      const fit = fitSine(y, f, 48000, edge(48000), y.length - edge(48000));
      expect(toDb(fit.residual / 0.5), `${f} Hz`).toBeLessThan(-80);
    }
  });
});

describe('resample: DC', () => {
  for (const [from, to] of [...PAIRS, [8000, 48000], [48000, 8000]]) {
    it(`a constant stays constant, ${from / 1000} -> ${to / 1000} kHz`, () => {
      const y = resample(new Float32Array(from / 4).fill(0.75), from, to);
      let worst = 0;
      for (let i = edge(to); i < y.length - edge(to); i++) worst = Math.max(worst, Math.abs(y[i] - 0.75));
      expect(worst / 0.75).toBeLessThan(1e-4); // -80 dB
    });
  }
});

describe('resample: speed', () => {
  it('10 s at 44.1 -> 48 kHz takes well under a second', () => {
    const x = sine(440, 44100, 441000);
    let best = Infinity;
    for (let run = 0; run < 2; run++) {
      const t0 = performance.now();
      resample(x, 44100, 48000);
      best = Math.min(best, performance.now() - t0);
    }
    expect(best).toBeLessThan(1000);
  });
});
