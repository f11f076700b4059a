import { describe, expect, it } from 'vitest';
import { AxonError } from '../../src/shared/errors';
import { SINENET_DEFAULT, sineNetLags, type SineNetDesign } from '../../src/shared/sinenet-design';
import { SINENET_CEILING, SINENET_MAX_GAIN, SINENET_START_NOISE, SINENET_TARGET_RMS, SineNetwork } from '../../src/worker/sinenet/sine-network';

const SR = 48000;

/** Renders `frames` samples in chunks of `chunk`; returns emitted and raw output. */
function run(net: SineNetwork, frames: number, drift = 0, chunk = 32) {
  const out = new Float64Array(frames);
  const raw = new Float64Array(frames);
  for (let at = 0; at < frames; at += chunk) {
    const len = Math.min(chunk, frames - at);
    net.process(out.subarray(at, at + len), len, drift, raw.subarray(at, at + len));
  }
  return { out, raw };
}

/** A net y[n] = sin(w * y[n - 2^gap] + b): one input, no hidden layer, one weight and one bias. */
const single = (w: number, b: number, gap = 3, seed = 3): SineNetDesign => ({ seed, length: 1, gap, hidden: [], weightMin: w, weightMax: w, biasMin: b, biasMax: b });

function stats(x: Float64Array) {
  let sum = 0;
  let sq = 0;
  let peak = 0;
  for (const v of x) {
    sum += v;
    sq += v * v;
    peak = Math.max(peak, Math.abs(v));
  }
  const mean = sum / x.length;
  return { mean, rms: Math.sqrt(sq / x.length), ac: Math.sqrt(sq / x.length - mean * mean), peak };
}

describe('SineNetwork determinism', () => {
  it('the same design renders bit-identical output; another seed differs; reset() starts over', () => {
    const a = run(new SineNetwork(SINENET_DEFAULT, SR), SR / 2);
    const b = run(new SineNetwork({ ...SINENET_DEFAULT }, SR), SR / 2);
    expect(Buffer.from(a.out.buffer).equals(Buffer.from(b.out.buffer))).toBe(true);
    expect(Buffer.from(a.raw.buffer).equals(Buffer.from(b.raw.buffer))).toBe(true);
    const other = run(new SineNetwork({ ...SINENET_DEFAULT, seed: 2 }, SR), SR / 2);
    let differing = 0;
    for (let i = 0; i < a.out.length; i++) if (a.out[i] !== other.out[i]) differing++;
    expect(differing).toBeGreaterThan(a.out.length * 0.9);

    const net = new SineNetwork(SINENET_DEFAULT, SR);
    run(net, 12345, 0.3);
    net.reset();
    const again = run(net, SR / 2);
    expect(Buffer.from(again.out.buffer).equals(Buffer.from(a.out.buffer))).toBe(true);
  });

  it('output does not depend on how process() calls are chunked, drift included', () => {
    const d: SineNetDesign = { ...SINENET_DEFAULT, seed: 5, hidden: [7, 5] };
    const by32 = run(new SineNetwork(d, SR), 20000, 0.5, 32);
    const by7 = run(new SineNetwork(d, SR), 20000, 0.5, 7);
    const whole = run(new SineNetwork(d, SR), 20000, 0.5, 20000);
    expect(Buffer.from(by7.out.buffer).equals(Buffer.from(by32.out.buffer))).toBe(true);
    expect(Buffer.from(whole.out.buffer).equals(Buffer.from(by32.out.buffer))).toBe(true);
  });

  it('SINENET_DEFAULT sounds: seed 1 moves (raw AC well above zero) at the target level', () => {
    const { out, raw } = run(new SineNetwork(SINENET_DEFAULT, SR), SR);
    const late = stats(out.subarray(SR / 2));
    expect(stats(raw.subarray(SR / 2)).ac).toBeGreaterThan(0.1);
    expect(late.rms).toBeGreaterThan(SINENET_TARGET_RMS * 0.9);
    expect(late.rms).toBeLessThan(SINENET_TARGET_RMS * 1.1);
  });

  it('rejects designs out of range with one sinenet_design error', () => {
    const bad = (patch: Partial<SineNetDesign>) => () => new SineNetwork({ ...SINENET_DEFAULT, ...patch }, SR);
    for (const patch of [
      { length: 0 },
      { length: 17 },
      { gap: 13 },
      { gap: 12, length: 16 }, // longest lag 2^27: more history than a source may hold
      { hidden: [16, 16, 16, 16, 16] },
      { hidden: [65] },
      { hidden: [0] },
      { weightMin: 1, weightMax: -1 },
      { biasMax: Number.NaN },
      { weightMax: 1e6 },
      { seed: -1 },
      { seed: 1.5 },
    ]) {
      expect(bad(patch), JSON.stringify(patch)).toThrow(AxonError);
      try {
        bad(patch)();
      } catch (err) {
        expect((err as AxonError).code).toBe('sinenet_design');
      }
    }
    expect(() => new SineNetwork({ ...SINENET_DEFAULT, gap: 12, length: 9 }, SR)).not.toThrow(); // 2^20: the most allowed
  });
});

describe('SineNetwork inputs read their lags', () => {
  it('lags are 2^gap, 2^(gap+1), ... and the history starts as held seeded noise', () => {
    expect(sineNetLags({ length: 4, gap: 0 })).toEqual([1, 2, 4, 8]);
    expect(sineNetLags({ length: 3, gap: 5 })).toEqual([32, 64, 128]);
    const net = new SineNetwork({ ...SINENET_DEFAULT, length: 3, gap: 2 }, SR);
    expect([...net.lags]).toEqual([4, 8, 16]);
    // 16 samples of start history, each seeded value held for 2^gap = 4 samples (plus tiny jitter).
    const start = Array.from({ length: 16 }, (_, k) => net.history(16 - k));
    for (const v of start) expect(Math.abs(v)).toBeLessThanOrEqual(SINENET_START_NOISE * 1.01);
    for (let k = 0; k < 16; k++) expect(Math.abs(start[k] - start[k - (k % 4)])).toBeLessThan(3e-4);
    expect(new Set(start.map((v) => v.toFixed(2))).size).toBeGreaterThan(1);
  });

  it('a one-input net with known weight and bias follows y[n] = sin(w y[n-8] + b) exactly', () => {
    const w = -1.5;
    const b = 0.2;
    const net = new SineNetwork(single(w, b, 3), SR);
    const before = Array.from({ length: 8 }, (_, k) => net.history(8 - k)); // y[-8] .. y[-1]
    const { raw } = run(net, 4000);
    const y = (n: number) => (n < 0 ? before[n + 8] : raw[n]);
    for (let n = 0; n < 4000; n++) expect(raw[n]).toBe(Math.sin(b + w * y(n - 8)));
    // After the start it settles into a cycle of 2 steps of 8 samples: a square wave of period 16.
    for (let n = 3000; n < 4000; n++) expect(Math.abs(raw[n] - raw[n - 16])).toBeLessThan(1e-9);
    expect(Math.abs(raw[3999] - raw[3991])).toBeGreaterThan(0.5);
  });

  it('a three-input net reads exactly the samples at lags 2, 4 and 8 (weights as drawn)', () => {
    const net = new SineNetwork({ seed: 9, length: 3, gap: 1, hidden: [], weightMin: -2, weightMax: 2, biasMin: -1, biasMax: 1 }, SR);
    const w = Float64Array.from(net.weights);
    const b = net.biases[0];
    const before = Array.from({ length: 8 }, (_, k) => net.history(8 - k));
    const { raw } = run(net, 3000);
    const y = (n: number) => (n < 0 ? before[n + 8] : raw[n]);
    for (let n = 0; n < 3000; n++) {
      const acc = b + w[0] * y(n - 2) + w[1] * y(n - 4) + w[2] * y(n - 8);
      expect(raw[n]).toBe(Math.sin(acc));
    }
    // The history view agrees with what was emitted: lag 1 is the last raw output.
    expect(net.history(1)).toBe(raw[2999]);
    expect(net.history(8)).toBe(raw[2992]);
    expect(net.raw).toBe(raw[2999]);
  });

  it('hidden layers: every node is sin(bias + sum of weight * input), layer by layer, output last', () => {
    const hidden = [5, 3]; // 5 = one block of four nodes plus one, 3 = remainder only
    const net = new SineNetwork({ seed: 4, length: 4, gap: 0, hidden, weightMin: -1, weightMax: 1, biasMin: -1, biasMax: 1 }, SR);
    const W = Float64Array.from(net.weights);
    const B = Float64Array.from(net.biases);
    const sizes = [4, ...hidden, 1];
    const before = Array.from({ length: 8 }, (_, k) => net.history(8 - k));
    const { raw } = run(net, 2000);
    const y = (n: number) => (n < 0 ? before[n + 8] : raw[n]);
    for (let n = 0; n < 2000; n++) {
      let x = [y(n - 1), y(n - 2), y(n - 4), y(n - 8)];
      let wi = 0;
      let bi = 0;
      for (let l = 1; l < sizes.length; l++) {
        const next: number[] = [];
        for (let j = 0; j < sizes[l]; j++) {
          let acc = B[bi++];
          for (let i = 0; i < sizes[l - 1]; i++) acc += W[wi++] * x[i];
          next.push(Math.sin(acc));
        }
        x = next;
      }
      expect(raw[n]).toBe(x[0]);
    }
    expect(W.length).toBe(4 * 5 + 5 * 3 + 3);
    expect(B.length).toBe(5 + 3 + 1);
  });
});

describe('SineNetwork drift', () => {
  const d: SineNetDesign = { ...SINENET_DEFAULT, seed: 11 };

  it('drift 0 keeps weights and biases where they started', () => {
    const net = new SineNetwork(d, SR);
    const w0 = Float64Array.from(net.weights);
    const b0 = Float64Array.from(net.biases);
    run(net, SR, 0);
    expect([...net.weights]).toEqual([...w0]);
    expect([...net.biases]).toEqual([...b0]);
  });

  it('drift > 0 walks them at about the asked rate, inside their ranges, the same way every time', () => {
    const a = new SineNetwork(d, SR);
    const b = new SineNetwork(d, SR);
    const w0 = Float64Array.from(a.weights);
    const drift = 0.05; // RMS 5% of the range per second
    const ra = run(a, SR, drift);
    const rb = run(b, SR, drift);
    expect([...a.weights]).toEqual([...b.weights]);
    expect(Buffer.from(ra.out.buffer).equals(Buffer.from(rb.out.buffer))).toBe(true);
    let sq = 0;
    for (let i = 0; i < w0.length; i++) {
      expect(a.weights[i]).toBeGreaterThanOrEqual(d.weightMin);
      expect(a.weights[i]).toBeLessThanOrEqual(d.weightMax);
      sq += (a.weights[i] - w0[i]) ** 2;
    }
    const moved = Math.sqrt(sq / w0.length) / (d.weightMax - d.weightMin);
    expect(moved).toBeGreaterThan(drift * 0.85);
    expect(moved).toBeLessThan(drift * 1.15);
    // The sound changes with it, against the frozen net.
    const frozen = run(new SineNetwork(d, SR), SR, 0);
    let diff = 0;
    for (let i = SR / 2; i < SR; i++) diff += Math.abs(frozen.out[i] - ra.out[i]);
    expect(diff / (SR / 2)).toBeGreaterThan(0.01);
  });

  it('a big drift still keeps every weight and bias in range', () => {
    const net = new SineNetwork({ ...d, weightMin: 0, weightMax: 1, biasMin: -0.25, biasMax: 0.25 }, SR);
    run(net, SR, 4);
    for (const v of net.weights) expect(v >= 0 && v <= 1).toBe(true);
    for (const v of net.biases) expect(v >= -0.25 && v <= 0.25).toBe(true);
  });
});

describe('SineNetwork output: DC removed, level normalised', () => {
  it('a loud net with DC: emitted mean ~0, RMS at the target, peak below the ceiling', () => {
    const { out, raw } = run(new SineNetwork(single(-1.5, 1.5), SR), 2 * SR);
    const r = stats(raw.subarray(SR));
    expect(r.mean).toBeGreaterThan(0.4); // the raw square wave sits on +0.5
    expect(r.ac).toBeGreaterThan(0.4);
    const o = stats(out.subarray(SR));
    expect(Math.abs(o.mean)).toBeLessThan(1e-3);
    expect(Math.abs(o.rms / SINENET_TARGET_RMS - 1)).toBeLessThan(0.05);
    expect(stats(out).peak).toBeLessThanOrEqual(SINENET_CEILING);
  });

  it('a quiet net on a large offset (raw AC ~0.06 on +0.55) is brought up to the target', () => {
    const { out, raw } = run(new SineNetwork(single(-1.2, 1.245), SR), 2 * SR);
    const r = stats(raw.subarray(SR));
    expect(r.mean).toBeGreaterThan(0.5);
    expect(r.ac).toBeGreaterThan(0.03);
    expect(r.ac).toBeLessThan(0.08);
    const o = stats(out.subarray(SR));
    expect(Math.abs(o.mean)).toBeLessThan(1e-3);
    expect(Math.abs(o.rms / SINENET_TARGET_RMS - 1)).toBeLessThan(0.05);
    expect(stats(out).peak).toBeLessThanOrEqual(SINENET_CEILING);
  });

  it('a net that dies away is not blown up: gain stops at the cap', () => {
    // Just past the cycle's birth: the oscillation decays toward a fixed point.
    const net = new SineNetwork(single(-1.2, 1.26), SR);
    const { out, raw } = run(net, 2 * SR);
    const r = stats(raw.subarray(SR));
    const o = stats(out.subarray(SR));
    expect(r.ac).toBeLessThan(1e-3);
    expect(o.rms).toBeLessThan(SINENET_MAX_GAIN * 1.5e-3);
    expect(net.gain).toBeLessThanOrEqual(SINENET_MAX_GAIN);
  });

  it('never above the ceiling, even when a loud net starts at full gain (many seeds and shapes)', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const d: SineNetDesign = { seed, length: 1 + (seed % 6), gap: seed % 5, hidden: seed % 3 ? [6] : [], weightMin: -3, weightMax: 3, biasMin: -2, biasMax: 2 };
      const { out } = run(new SineNetwork(d, SR), SR / 2);
      expect(stats(out).peak, `seed ${seed}`).toBeLessThanOrEqual(SINENET_CEILING);
      for (const v of out) if (!Number.isFinite(v)) throw new Error(`seed ${seed}: non-finite output`);
    }
  });
});

describe('SineNetwork in the audio thread', () => {
  it('process() does not allocate: the heap stays put over 20k calls (drift on)', () => {
    const net = new SineNetwork({ ...SINENET_DEFAULT, hidden: [6] }, SR);
    const out = new Float64Array(32);
    const raw = new Float64Array(32);
    for (let i = 0; i < 20000; i++) net.process(out, 32, 0.2, raw); // let V8 optimise first
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 20000; i++) net.process(out, 32, 0.2, raw);
    const grown = process.memoryUsage().heapUsed - before;
    // 16 bytes per call would already be 320 kB (a young-generation collection would only make this smaller).
    expect(grown).toBeLessThan(64 * 1024);
  });
});
