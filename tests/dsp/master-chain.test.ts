import { describe, expect, it } from 'vitest';
import { MasterChain } from '../../src/worker/dsp/master-chain';
import { MASTER_MAX_BLOCK } from '../../src/worker/kernels/master-layout';
import { fitSine, mulberry32, toDb } from './measure';

// The output stage (gain ramp x fade -> DC blocker -> lookahead limiter -> float32) through its
// block API. Replaces the per-sample Limiter and DcBlocker tests.

const SR = 48000;
const RELEASE = 0.08;

interface Stereo {
  l: Float64Array;
  r: Float64Array;
}

function stereo(n: number, fl: (i: number) => number, fr: (i: number) => number = fl): Stereo {
  const l = new Float64Array(n);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    l[i] = fl(i);
    r[i] = fr(i);
  }
  return { l, r };
}

interface StreamOptions {
  /** Frames per process() call (at most MASTER_MAX_BLOCK). */
  block?: number;
  /** [g0, dg] for the block of `len` frames starting at frame `start`; default [1, 0]. */
  gain?: (start: number, len: number) => [number, number];
  fadeStep?: number;
  /** Called after each process() call, e.g. to read gainReductionDb or the stats. */
  afterBlock?: (chain: MasterChain, start: number, len: number) => void;
}

/** Streams a stereo signal through the chain in blocks; returns the interleaved float32 output. */
function stream(chain: MasterChain, sig: Stereo, opts: StreamOptions = {}): Float32Array {
  const block = opts.block ?? 128;
  const n = sig.l.length;
  const out = new Float32Array(2 * n);
  for (let start = 0; start < n; start += block) {
    const len = Math.min(block, n - start);
    chain.inL.set(sig.l.subarray(start, start + len));
    chain.inR.set(sig.r.subarray(start, start + len));
    const [g0, dg] = opts.gain ? opts.gain(start, len) : [1, 0];
    chain.process(len, g0, dg, opts.fadeStep ?? 0);
    out.set(chain.out.subarray(0, 2 * len), 2 * start);
    opts.afterBlock?.(chain, start, len);
  }
  return out;
}

/** Streams one frame per process() call and records gainReductionDb after every sample. */
function streamTracingGr(chain: MasterChain, sig: Stereo): { out: Float32Array; gr: Float64Array } {
  const gr = new Float64Array(sig.l.length);
  const out = stream(chain, sig, { block: 1, afterBlock: (c, start) => (gr[start] = c.gainReductionDb) });
  return { out, gr };
}

function channel(out: Float32Array, ch: 0 | 1): Float64Array {
  const y = new Float64Array(out.length / 2);
  for (let i = 0; i < y.length; i++) y[i] = out[2 * i + ch];
  return y;
}

function peakOf(out: Float32Array): number {
  let m = 0;
  for (let i = 0; i < out.length; i++) {
    const a = Math.abs(out[i]);
    if (!(a <= m)) m = a; // NaN propagates
  }
  return m;
}

/** DC blocker from its definition: bilinear s / (s + wc), prewarped to a 10 Hz corner. */
function dcCoefficients(fs: number): { b: number; a: number } {
  const k = Math.tan((Math.PI * 10) / fs);
  return { b: 1 / (1 + k), a: (1 - k) / (1 + k) };
}

function dcBlock(x: Float64Array, fs: number): Float64Array {
  const { b, a } = dcCoefficients(fs);
  const y = new Float64Array(x.length);
  let x1 = 0;
  let y1 = 0;
  for (let n = 0; n < x.length; n++) {
    const v = b * (x[n] - x1) + a * y1;
    x1 = x[n];
    y1 = v;
    y[n] = v;
  }
  return y;
}

/** What a transparent chain outputs: float32 of the DC-blocked input delayed by `latency`. */
function transparentOutput(sig: Stereo, fs: number, latency: number): Float32Array {
  const yl = dcBlock(sig.l, fs);
  const yr = dcBlock(sig.r, fs);
  const out = new Float32Array(2 * yl.length);
  for (let i = latency; i < yl.length; i++) {
    out[2 * i] = yl[i - latency];
    out[2 * i + 1] = yr[i - latency];
  }
  return out;
}

const f32 = new Float32Array(1);
const f32Bits = new Int32Array(f32.buffer);
/** The largest float32 strictly below the positive float32 x. */
function float32Below(x: number): number {
  f32[0] = x;
  f32Bits[0] -= 1;
  return f32[0];
}

/** The chain's ceiling as documented: 10^(dB/20) rounded down to a float32. */
function chainCeiling(db: number): number {
  const exact = 10 ** (db / 20);
  const c = Math.fround(exact);
  return c > exact ? float32Below(c) : c;
}

/**
 * Changes x[p] so that the DC-blocked signal is exactly `target` at p (searching the float64
 * neighbourhood of the analytic solution). Returns false if no float64 x[p] hits it.
 */
function plantDcBlockedValue(x: Float64Array, p: number, target: number, fs: number): boolean {
  const { b, a } = dcCoefficients(fs);
  const y = dcBlock(x, fs);
  const x1 = x[p - 1];
  const y1 = y[p - 1];
  const v0 = x1 + (target - a * y1) / b;
  const step = Math.abs(v0) * 2 ** -52;
  for (let k = 0; k <= 64; k++) {
    for (const v of [v0 + k * step, v0 - k * step]) {
      if (b * (v - x1) + a * y1 === target) {
        x[p] = v;
        return true;
      }
    }
  }
  return false;
}

function hotSignals(): Array<[string, Stereo]> {
  const out: Array<[string, Stereo]> = [];
  const amp24 = 10 ** (24 / 20);
  for (const f of [50, 440, 1000, 5000, 15000]) {
    out.push([
      `+24 dBFS sine ${f} Hz`,
      stereo(
        SR / 2,
        (i) => amp24 * Math.sin((2 * Math.PI * f * i) / SR),
        (i) => amp24 * Math.sin((2 * Math.PI * f * 1.01 * i) / SR + 1),
      ),
    ]);
  }
  {
    const rnd = mulberry32(7);
    const amp = 10 ** (20 / 20);
    const sig = stereo(SR, () => 0);
    for (let i = 0; i < SR; i++) {
      sig.l[i] = amp * (2 * rnd() - 1);
      sig.r[i] = amp * (2 * rnd() - 1);
    }
    out.push(['+20 dB white noise', sig]);
  }
  {
    // Isolated single-sample impulses of 20x full scale, the first on the very first sample,
    // spaced both closer and further apart than the lookahead (72 frames, window 73).
    const sig = stereo(SR, () => 0);
    let t = 0;
    for (let k = 0; t < SR; k++) {
      (k % 3 === 2 ? sig.r : sig.l)[t] = k % 2 === 0 ? 20 : -20;
      t += [37, 71, 72, 73, 150, 4000][k % 6];
    }
    out.push(['20x impulses', sig]);
  }
  {
    const sq = (i: number): number => (Math.sin((2 * Math.PI * 110 * i) / SR) >= 0 ? 1 : -1);
    const inBurst = (i: number): boolean => i % 2880 < 480; // 10 ms bursts every 60 ms
    out.push([
      'square bursts',
      stereo(
        SR,
        (i) => (inBurst(i) ? 20 * sq(i) : 0.1 * sq(i)),
        (i) => (inBurst(i) ? -12 * sq(i) : 0),
      ),
    ]);
  }
  return out;
}

const CEILINGS = [-0.3, -6, -12];

/** The output's peak must not exceed the ceiling, neither as float32 nor as the exact value. */
function expectUnderCeiling(out: Float32Array, ceilingDb: number, what: string): number {
  const peak = peakOf(out);
  expect(Number.isFinite(peak), `${what}: finite output`).toBe(true);
  expect(peak, `${what} vs Math.fround ceiling`).toBeLessThanOrEqual(Math.fround(10 ** (ceilingDb / 20)));
  expect(peak, `${what} vs exact ceiling`).toBeLessThanOrEqual(10 ** (ceilingDb / 20));
  return peak;
}

describe('MasterChain', () => {
  it('reports its lookahead as latency', () => {
    expect(new MasterChain(SR).latency).toBe(72);
    expect(new MasterChain(44100, 0.003).latency).toBe(Math.round(0.003 * 44100));
    expect(new MasterChain(96000).latency).toBe(144);
    expect(new MasterChain(SR, 0).latency).toBe(0);
    expect(MASTER_MAX_BLOCK).toBe(1024);
  });

  it('never exceeds the ceiling on hot material (no tolerance)', () => {
    const signals = hotSignals();
    let closest = -Infinity;
    let closestName = '';
    let atCeiling = 0;
    for (const ceilingDb of CEILINGS) {
      const exact = 10 ** (ceilingDb / 20);
      for (const [name, sig] of signals) {
        const chain = new MasterChain(SR);
        chain.setCeiling(ceilingDb);
        const what = `${name}, ceiling ${ceilingDb}`;
        const peak = expectUnderCeiling(stream(chain, sig), ceilingDb, what);
        // It limits rather than mutes: the loud parts come out close to the ceiling.
        expect(peak, what).toBeGreaterThan(0.9 * exact);
        if (peak === chainCeiling(ceilingDb)) atCeiling++;
        const re = toDb(peak / exact);
        if (re > closest) {
          closest = re;
          closestName = what;
        }
      }
    }
    console.log(`[master-chain] max output re exact ceiling: ${closest.toFixed(9)} dB (${closestName}; must be <= 0); ${atCeiling}/${CEILINGS.length * signals.length} runs peak exactly at the float32 ceiling`);
    expect(closest).toBeLessThanOrEqual(0);
  });

  it('never exceeds the ceiling with gain ramps (g0/dg) driving the input', () => {
    const rnd = mulberry32(11);
    const sig = stereo(SR, () => 2 * rnd() - 1);
    for (let i = 0; i < SR; i++) sig.r[i] = Math.sin((2 * Math.PI * 300 * i) / SR);
    // Block-wise linear gain from 0 to +40 dB over the second, then a jump to 0.01 and a
    // ramp to x100 inside single blocks.
    const G = (i: number): number => (i < SR / 2 ? (100 * i) / (SR / 2) : 100);
    const ramps: Array<[string, (start: number, len: number) => [number, number]]> = [
      ['0 -> +40 dB over 0.5 s', (start, len) => [G(start), (G(start + len) - G(start)) / len]],
      ['0.01 -> 100 within each block', (_start, len) => [0.01, (100 - 0.01) / len]],
      ['100 -> 0 within each block', (_start, len) => [100, -100 / len]],
    ];
    let closest = -Infinity;
    for (const ceilingDb of CEILINGS) {
      for (const [name, gain] of ramps) {
        const chain = new MasterChain(SR);
        chain.setCeiling(ceilingDb);
        const what = `gain ramp ${name}, ceiling ${ceilingDb}`;
        const peak = expectUnderCeiling(stream(chain, sig, { gain }), ceilingDb, what);
        expect(peak, what).toBeGreaterThan(0.9 * 10 ** (ceilingDb / 20));
        closest = Math.max(closest, toDb(peak / 10 ** (ceilingDb / 20)));
      }
    }
    console.log(`[master-chain] gain ramps: max output re exact ceiling ${closest.toFixed(9)} dB`);
  });

  it('keeps the output finite and under the ceiling with NaN and Infinity in the input', () => {
    const rnd = mulberry32(3);
    const amp = 10 ** (20 / 20);
    const sig = stereo(SR, () => amp * (2 * rnd() - 1));
    const bad = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300, -1e300, 1e12];
    for (let k = 0; k < 60; k++) {
      const i = 17 + k * 797;
      const v = bad[k % bad.length];
      if (k % 3 !== 1) sig.l[i] = v;
      if (k % 3 !== 2) sig.r[i] = k % 2 === 0 ? v : -v;
    }
    sig.l[0] = Number.NaN; // on the very first sample too
    sig.r[0] = Number.POSITIVE_INFINITY;
    for (const ceilingDb of CEILINGS) {
      const chain = new MasterChain(SR);
      chain.setCeiling(ceilingDb);
      const out = stream(chain, sig);
      for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) expect.fail(`non-finite output ${out[i]} at ${i}`);
      expectUnderCeiling(out, ceilingDb, `NaN/Inf, ceiling ${ceilingDb}`);
      expect(Number.isFinite(chain.peakL) && Number.isFinite(chain.sumSquaresL) && Number.isFinite(chain.sumSquaresR)).toBe(true);
      // +-Inf enters as +-1e30: the limiter gain becomes exactly 0, reported as +Infinity dB
      // (as the old Limiter did); it must not be NaN.
      expect(Number.isNaN(chain.maxGainReductionDb)).toBe(false);
      expect(chain.maxGainReductionDb).toBeGreaterThan(20);
      // A gain ramp that overflows to Infinity must not poison the output either.
      const out2 = stream(chain, sig, { gain: () => [1e308, 1e308] });
      expectUnderCeiling(out2, ceilingDb, `NaN/Inf with overflowing gain, ceiling ${ceilingDb}`);
    }
  });

  it('keeps the guarantee with no lookahead, for extreme and invalid input, and after reset', () => {
    const chain = new MasterChain(SR, 0);
    expect(chain.latency).toBe(0);
    const c = 10 ** (-0.3 / 20);
    for (const v of [1e12, -1e300, Number.POSITIVE_INFINITY, Number.NaN, Number.NEGATIVE_INFINITY, 3, -3, 0.2]) {
      chain.inL[0] = v;
      chain.inR[0] = -v;
      chain.process(1);
      for (const y of [chain.out[0], chain.out[1]]) {
        expect(Number.isNaN(y), `input ${v}`).toBe(false);
        expect(Math.abs(y), `input ${v}`).toBeLessThanOrEqual(Math.fround(c));
        expect(Math.abs(y), `input ${v}`).toBeLessThanOrEqual(c);
      }
    }
    chain.reset();
    chain.inL[0] = 0.1;
    chain.inR[0] = 0.2;
    chain.process(1);
    // After reset the DC blocker and limiter start from rest: y = b x, no delay, no reduction.
    const { b } = dcCoefficients(SR);
    expect(chain.out[0]).toBe(Math.fround(b * 0.1));
    expect(chain.out[1]).toBe(Math.fround(b * 0.2));
    expect(chain.gainReductionDb).toBe(0);
    expect(chain.peakR).toBe(Math.fround(b * 0.2)); // reset also cleared the stats
  });

  it('holds the ceiling with the gain ramp alone on a sustained +24 dB sine (the hard clamp is only a guarantee)', () => {
    // After the attack the output is the DC-blocked input times the limiter gain (no clipping
    // flats): output / input equals the reported gain on every sample, to float32 precision.
    const chain = new MasterChain(SR);
    const amp = 10 ** (24 / 20);
    const sig = stereo(SR, (i) => amp * Math.sin((2 * Math.PI * 440 * i) / SR));
    const ref = dcBlock(sig.l, SR);
    const { out, gr } = streamTracingGr(chain, sig);
    let maxRatioSpread = 0;
    let checked = 0;
    for (let i = SR / 2; i < SR; i++) {
      const src = ref[i - chain.latency];
      if (Math.abs(src) > 0.5 * amp) {
        const expected = 10 ** (-gr[i] / 20);
        maxRatioSpread = Math.max(maxRatioSpread, Math.abs(out[2 * i] / src - expected) / expected);
        expect(out[2 * i + 1]).toBe(out[2 * i]);
        checked++;
      }
    }
    console.log(`[master-chain] sustained +24 dB sine: output/input vs gain spread ${maxRatioSpread.toExponential(3)} (float32 rounding bound 5.96e-8)`);
    expect(checked).toBeGreaterThan(10000);
    // Float32 output: relative rounding error is at most 2^-24 (the old float64 test used 1e-9).
    expect(maxRatioSpread).toBeLessThanOrEqual(2 ** -24 * (1 + 1e-6));
  });

  it('is a bit-exact delayed copy of the DC-blocked input below the ceiling, with 0 dB gain reduction', () => {
    let worst = 0;
    for (const [ceilingDb, programDb] of [
      [-0.3, -6],
      [-6, -12],
    ]) {
      const rnd = mulberry32(42);
      const n = SR;
      const sig = stereo(n, () => 0);
      let maxIn = 0;
      for (let i = 0; i < n; i++) {
        sig.l[i] = 0.6 * Math.sin((2 * Math.PI * 97 * i) / SR) + 0.3 * Math.sin((2 * Math.PI * 1234 * i) / SR + 0.3) + 0.1 * (2 * rnd() - 1);
        sig.r[i] = 0.5 * Math.sin(i / 10) + 0.5 * (2 * rnd() - 1) * Math.sin((2 * Math.PI * 3 * i) / SR);
        maxIn = Math.max(maxIn, Math.abs(sig.l[i]), Math.abs(sig.r[i]));
      }
      const scale = 10 ** (programDb / 20) / maxIn; // program peaks at programDb dBFS
      for (let i = 0; i < n; i++) {
        sig.l[i] *= scale;
        sig.r[i] *= scale;
      }
      // Exactly at the ceiling (after the DC blocker) is still "below".
      const c = chainCeiling(ceilingDb);
      expect(plantDcBlockedValue(sig.l, 1000, c, SR), 'plant +ceiling').toBe(true);
      expect(plantDcBlockedValue(sig.r, 2000, -c, SR), 'plant -ceiling').toBe(true);
      const chain = new MasterChain(SR);
      chain.setCeiling(ceilingDb);
      const want = transparentOutput(sig, SR, chain.latency);
      expect(peakOf(want), 'reference peaks exactly at the ceiling').toBe(c);

      let reduced = 0;
      const out = stream(chain, sig, { afterBlock: (ch) => (ch.gainReductionDb !== 0 ? reduced++ : 0) });
      let mismatches = 0;
      for (let i = 0; i < out.length; i++) {
        if (out[i] !== want[i]) mismatches++;
        worst = Math.max(worst, Math.abs(out[i] - want[i]));
      }
      expect(mismatches, `ceiling ${ceilingDb}`).toBe(0);
      expect(reduced).toBe(0);
      expect(chain.gainReductionDb).toBe(0);
      expect(chain.maxGainReductionDb === 0, `maxGainReductionDb ${chain.maxGainReductionDb}`).toBe(true);
    }
    console.log(`[master-chain] below the ceiling: worst |output - fround(DC-blocked input delayed)| = ${worst} (must be 0)`);
  });

  it('applies the gain ramp as g0 + dg (s+1) per sample, across blocks of any size', () => {
    const rnd = mulberry32(5);
    const n = 20000;
    const sig = stereo(n, (i) => 0.2 * Math.sin((2 * Math.PI * 220 * i) / SR) + 0.05 * (2 * rnd() - 1));
    for (const block of [128, 1, 37, MASTER_MAX_BLOCK]) {
      const gain = (start: number, len: number): [number, number] => {
        const g0 = 0.5 + start / n;
        return [g0, (0.5 + (start + len) / n - g0) / len];
      };
      const chain = new MasterChain(SR);
      const out = stream(chain, sig, { block, gain });
      // Reference: the same per-sample gain applied before the DC blocker.
      const scaled = stereo(n, () => 0);
      for (let start = 0; start < n; start += block) {
        const len = Math.min(block, n - start);
        const [g0, dg] = gain(start, len);
        for (let s = 0; s < len; s++) {
          const g = (g0 + dg * (s + 1)) * 1;
          scaled.l[start + s] = sig.l[start + s] * g;
          scaled.r[start + s] = sig.r[start + s] * g;
        }
      }
      const want = transparentOutput(scaled, SR, chain.latency);
      let mismatches = 0;
      for (let i = 0; i < out.length; i++) if (out[i] !== want[i]) mismatches++;
      expect(mismatches, `block ${block}`).toBe(0);
    }
  });

  it('gives the same output whatever the block size', () => {
    const [, sig] = hotSignals()[5]; // +20 dB noise: the limiter works all the time
    const outs = [128, 1, 37, 1000, MASTER_MAX_BLOCK].map((block) => stream(new MasterChain(SR), sig, { block }));
    for (let k = 1; k < outs.length; k++) {
      let mismatches = 0;
      for (let i = 0; i < outs[0].length; i++) if (outs[k][i] !== outs[0][i]) mismatches++;
      expect(mismatches, `block size #${k}`).toBe(0);
    }
  });

  it('releases exponentially back to unity (and bit-exact transparency) after a peak', () => {
    const chain = new MasterChain(SR, 0.0015, RELEASE);
    const W = chain.latency + 1;
    const x = (i: number): number => 0.5 * Math.sin((2 * Math.PI * 220 * i) / SR);
    const burstStart = SR / 2;
    const burstEnd = burstStart + 480;
    const sig = stereo(3 * SR, (i) => (i >= burstStart && i < burstEnd ? 8 * x(i) : x(i)));
    const want = transparentOutput(sig, SR, chain.latency);
    const { out, gr } = streamTracingGr(chain, sig);

    // Deepest reduction ~ 20 log10(8 * 0.5 / ceiling) = ~12.3 dB, and the stats report it.
    const deepest = gr.reduce((m, v) => Math.max(m, v), 0);
    expect(deepest).toBeGreaterThan(12);
    expect(deepest).toBeLessThan(12.7);
    expect(chain.maxGainReductionDb).toBe(deepest);

    // Exponential release with tau = 80 ms: once the burst has left the lookahead window and the
    // box ramp, the gain deficit (1 - gain) follows exp(-t / 0.08) exactly.
    const t0 = burstEnd + chain.latency + 2 * W;
    const deficit = (i: number): number => 1 - 10 ** (-gr[i] / 20);
    const report: string[] = [];
    let worstRel = 0;
    for (const dt of [0.01, 0.04, 0.08, 0.16, 0.32, 0.64]) {
      const ratio = deficit(t0 + Math.round(dt * SR)) / deficit(t0);
      const expected = Math.exp(-Math.round(dt * SR) / SR / RELEASE);
      const rel = Math.abs(ratio / expected - 1);
      worstRel = Math.max(worstRel, rel);
      report.push(`${(dt * 1000).toFixed(0)} ms ${ratio.toFixed(6)}/${expected.toFixed(6)}`);
      expect(rel, `deficit ratio after ${dt} s`).toBeLessThan(1e-6);
    }
    // Back to exactly unity well after the burst (deficits below 1e-6 snap to 0, then the box
    // filter empties): at the time the exponential predicts, within a window length.
    let unityAt = gr.length;
    while (unityAt > 0 && gr[unityAt - 1] === 0) unityAt--;
    const predicted = t0 + Math.ceil((RELEASE * SR) * Math.log(deficit(t0) / 1e-6)) + W;
    console.log(
      `[master-chain] release (deficit ratio measured/exp(-t/0.08)): ${report.join(', ')}; worst rel. error ${worstRel.toExponential(2)}`,
    );
    console.log(
      `[master-chain] ${deepest.toFixed(3)} dB reduction released to exactly 0 dB ${((unityAt - burstEnd) / SR).toFixed(3)} s after the burst (predicted ${((predicted - burstEnd) / SR).toFixed(3)} s)`,
    );
    expect(unityAt).toBeLessThan(burstEnd + 1.5 * SR);
    expect(Math.abs(unityAt - predicted)).toBeLessThanOrEqual(W);
    expect(chain.gainReductionDb).toBe(0);
    let lateMismatch = 0;
    for (let i = burstEnd + 1.5 * SR; i < sig.l.length; i++) {
      if (out[2 * i] !== want[2 * i] || out[2 * i + 1] !== want[2 * i + 1]) lateMismatch++;
    }
    expect(lateMismatch).toBe(0);
  });

  describe('DC blocker through the chain', () => {
    const rates = [44100, 48000, 96000];

    /** Steady-state gain of the chain for a 0.5 sine at f (8 corner time constants of settling, whole periods). */
    function sineGain(sampleRate: number, f: number): number {
      const chain = new MasterChain(sampleRate);
      const amp = 0.5;
      const periods = Math.max(10, Math.round(f)); // >= 1 s; f and the rates make this whole periods
      const len = Math.round((periods * sampleRate) / f);
      const skip = Math.round((8 / (2 * Math.PI * 10)) * sampleRate) + chain.latency;
      const w = (2 * Math.PI * f) / sampleRate;
      const out = stream(chain, stereo(skip + len, (n) => amp * Math.sin(w * n)));
      expect(chain.gainReductionDb).toBe(0);
      const l = channel(out, 0);
      const r = channel(out, 1);
      const gl = fitSine(l, f, sampleRate, skip, len).amplitude / amp;
      expect(fitSine(r, f, sampleRate, skip, len).amplitude / amp).toBe(gl);
      return gl;
    }

    it('removes a DC step within the time the 10 Hz corner implies', () => {
      const report: string[] = [];
      for (const sampleRate of rates) {
        const chain = new MasterChain(sampleRate);
        const step = 0.5;
        // A one-pole high-pass decays as exp(-2 pi fc t): 1e-3 after ln(1000) / (2 pi fc).
        const expected = Math.log(1000) / (2 * Math.PI * 10);
        const limit = Math.ceil(1.05 * expected * sampleRate);
        const out = channel(stream(chain, stereo(2 * limit + chain.latency, () => step)), 0);
        let settledAt = -1;
        for (let n = 0; n < 2 * limit; n++) {
          const y = out[n + chain.latency];
          if (Math.abs(y) >= 1e-3 * step) settledAt = -1;
          else if (settledAt < 0) settledAt = n;
        }
        report.push(`${sampleRate} Hz: ${((1000 * settledAt) / sampleRate).toFixed(2)} ms`);
        expect(settledAt, `@ ${sampleRate}`).toBeGreaterThan(0);
        expect(settledAt).toBeLessThanOrEqual(limit);
        // ...and not much faster either (it really is a 10 Hz corner, not a brick wall).
        expect(settledAt).toBeGreaterThan(0.9 * expected * sampleRate);
      }
      console.log(`[master-chain] DC step below 1e-3 after ${report.join(', ')} (10 Hz one-pole: ${((1000 * Math.log(1000)) / (2 * Math.PI * 10)).toFixed(2)} ms)`);
    });

    it('passes a 100 Hz sine within 0.1 dB at 44.1, 48 and 96 kHz', () => {
      let worst = 0;
      for (const sampleRate of rates) {
        const g = sineGain(sampleRate, 100);
        worst = Math.max(worst, Math.abs(toDb(g)));
        expect(Math.abs(toDb(g)), `${sampleRate}`).toBeLessThan(0.1);
      }
      console.log(`[master-chain] DC blocker 100 Hz loss ${worst.toFixed(4)} dB (analog s/(s+wc): 0.0432 dB)`);
    });

    it('is -3 dB at 10 Hz (within 0.5 dB)', () => {
      let worst = 0;
      for (const sampleRate of rates) {
        const err = Math.abs(toDb(sineGain(sampleRate, 10)) - toDb(Math.SQRT1_2));
        worst = Math.max(worst, err);
        expect(err, `@ ${sampleRate}`).toBeLessThan(0.5);
      }
      console.log(`[master-chain] DC blocker worst corner error ${worst.toFixed(4)} dB from -3.01 dB`);
    });

    it('reset clears the DC blocker state', () => {
      const chain = new MasterChain(SR, 0);
      stream(chain, stereo(100, () => 0.5));
      chain.reset();
      chain.inL.fill(0, 0, 4);
      chain.inR.fill(0, 0, 4);
      chain.process(4);
      for (let i = 0; i < 8; i++) expect(chain.out[i]).toBe(0);
    });
  });

  describe('fade', () => {
    const N = 4800; // 100 ms ramps
    const sine = (n: number): Stereo =>
      stereo(
        n,
        (i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / SR),
        (i) => 0.4 * Math.sin((2 * Math.PI * 1500 * i) / SR + 1),
      );

    /** The fade the kernel documents: starts at f0, moves by step per sample within [0, 1]. */
    function fadeCurve(n: number, f0: number, step: number): Float64Array {
      const f = new Float64Array(n);
      let v = f0;
      for (let i = 0; i < n; i++) {
        v = Math.min(1, Math.max(0, v + step));
        f[i] = v;
      }
      return f;
    }

    function faded(sig: Stereo, f: Float64Array): Stereo {
      return stereo(sig.l.length, (i) => sig.l[i] * f[i], (i) => sig.r[i] * f[i]);
    }

    it('starts at 1', () => {
      expect(new MasterChain(SR).fade).toBe(1);
    });

    it('ramps the output in linearly from 0 and holds at 1', () => {
      const n = SR / 2;
      const sig = sine(n);
      const chain = new MasterChain(SR);
      chain.setFade(0);
      expect(chain.fade).toBe(0);
      const fadeAfter: number[] = [];
      const out = stream(chain, sig, { fadeStep: 1 / N, afterBlock: (c) => fadeAfter.push(c.fade) });
      const f = fadeCurve(n, 0, 1 / N);
      // The fade is linear, (n+1)/N, and reaches exactly 1 and stays there.
      let worstLin = 0;
      for (let i = 0; i < n; i++) worstLin = Math.max(worstLin, Math.abs(f[i] - Math.min(1, (i + 1) / N)));
      expect(worstLin).toBeLessThan(1e-12);
      expect(f[N + 1]).toBe(1);
      expect(fadeAfter[0]).toBe(f[127]);
      expect(fadeAfter[Math.floor(N / 128) - 1]).toBe(f[Math.floor(N / 128) * 128 - 1]);
      expect(chain.fade).toBe(1);
      // The output is the faded input through the DC blocker, delayed, bit-exact: silence
      // before the ramp, the ramp, then the plain program.
      const want = transparentOutput(faded(sig, f), SR, chain.latency);
      let mismatches = 0;
      for (let i = 0; i < out.length; i++) if (out[i] !== want[i]) mismatches++;
      expect(mismatches).toBe(0);
      for (let i = 0; i < 2 * chain.latency; i++) expect(out[i]).toBe(0);
      expect(out[2 * chain.latency]).toBe(Math.fround(dcCoefficients(SR).b * sig.l[0] * (1 / N)));
      // Envelope: peak output of successive 10 ms windows grows linearly during the ramp.
      const l = channel(out, 0);
      for (let k = 1; k <= 9; k++) {
        const from = chain.latency + k * (N / 10);
        let pk = 0;
        for (let i = from; i < from + 48; i++) pk = Math.max(pk, Math.abs(l[i]));
        // The fade runs from k/10 to k/10 + 0.01 over the window (one period of 1 kHz).
        expect(pk / 0.5, `envelope at ${k * 10} ms`).toBeGreaterThan(k / 10 - 0.005);
        expect(pk / 0.5, `envelope at ${k * 10} ms`).toBeLessThan(k / 10 + 0.011);
      }
      // Holding: the fade stays 1 with a positive step.
      stream(chain, sig, { fadeStep: 1 / N });
      expect(chain.fade).toBe(1);
    });

    it('ramps to silence with a negative step and holds 0', () => {
      const n = 2 * SR;
      const sig = sine(n);
      const chain = new MasterChain(SR);
      const out = stream(chain, sig, { fadeStep: -1 / N });
      expect(chain.fade).toBe(0);
      const f = fadeCurve(n, 1, -1 / N);
      expect(f[N + 1]).toBe(0);
      const want = transparentOutput(faded(sig, f), SR, chain.latency);
      let mismatches = 0;
      let tail = 0;
      let lastNonZero = 0;
      for (let i = 0; i < out.length; i++) {
        // Below 1e-29 the kernel flushes the DC blocker to 0 (denormal guard); compare above.
        if (Math.abs(want[i]) > 1e-29 ? out[i] !== want[i] : Math.abs(out[i]) > 1e-29) mismatches++;
        if (i >= 2 * (N + chain.latency)) tail = Math.max(tail, Math.abs(out[i]));
        if (out[i] !== 0) lastNonZero = i;
      }
      expect(mismatches).toBe(0);
      // After the ramp only the DC blocker's tail of the faded signal remains, far below the program...
      expect(tail).toBeLessThan(1e-3);
      // ...and it ends in exact digital silence that holds.
      expect(lastNonZero / 2).toBeLessThan(1.5 * SR);
      const more = stream(chain, sine(SR), { fadeStep: -1 / N });
      expect(peakOf(more)).toBe(0);
      expect(chain.fade).toBe(0);
      console.log(
        `[master-chain] fade-out: DC-blocker tail after the ramp ${tail.toExponential(2)}, exact silence from ${((lastNonZero / 2 + 1) / SR).toFixed(3)} s`,
      );
    });
  });

  describe('statistics', () => {
    it('peak and sum of squares match the output samples, since clearStats()', () => {
      const [, noise] = hotSignals()[5];
      const chain = new MasterChain(SR);
      const gr: number[] = [];
      const check = (sig: Stereo, block: number): void => {
        let peakL = 0;
        let peakR = 0;
        let sumL = 0;
        let sumR = 0;
        const out = stream(chain, sig, {
          block,
          afterBlock: (c, _start, len) => {
            for (let s = 0; s < len; s++) {
              const l = c.out[2 * s];
              const r = c.out[2 * s + 1];
              peakL = Math.max(peakL, Math.abs(l));
              peakR = Math.max(peakR, Math.abs(r));
              sumL += l * l;
              sumR += r * r;
            }
            gr.push(c.gainReductionDb);
          },
        });
        expect(chain.peakL).toBe(peakL);
        expect(chain.peakR).toBe(peakR);
        expect(chain.sumSquaresL).toBe(sumL);
        expect(chain.sumSquaresR).toBe(sumR);
        expect(peakOf(out)).toBe(Math.max(peakL, peakR));
      };
      // Quiet then hot material, one frame per call so every sample's gain reduction is seen.
      const quiet = stereo(4000, (i) => 0.25 * Math.sin((2 * Math.PI * 330 * i) / SR));
      const hot = stereo(4000, (i) => noise.l[i], (i) => noise.r[i]);
      const both = stereo(8000, (i) => (i < 4000 ? quiet.l[i] : hot.l[i - 4000]), (i) => (i < 4000 ? quiet.r[i] : hot.r[i - 4000]));
      check(both, 1);
      expect(chain.maxGainReductionDb).toBe(Math.max(...gr));
      expect(chain.maxGainReductionDb).toBeGreaterThan(15);

      chain.clearStats();
      expect([chain.peakL, chain.peakR, chain.sumSquaresL, chain.sumSquaresR]).toEqual([0, 0, 0, 0]);
      expect(chain.maxGainReductionDb === 0).toBe(true);
      gr.length = 0;
      check(hot, 128);
      expect(chain.maxGainReductionDb).toBeGreaterThanOrEqual(Math.max(...gr));

      chain.reset();
      expect([chain.peakL, chain.peakR, chain.sumSquaresL, chain.sumSquaresR]).toEqual([0, 0, 0, 0]);
      expect(chain.gainReductionDb).toBe(0);
      gr.length = 0;
      check(quiet, 128);
      expect(chain.maxGainReductionDb === 0).toBe(true);
    });
  });
});
