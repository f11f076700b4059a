import { describe, expect, it } from 'vitest';
import { Limiter } from '../../src/worker/dsp/limiter';
import { dbToGain } from '../../src/shared/units';
import { mulberry32 } from './measure';

const SR = 48000;

interface Stereo {
  l: Float64Array;
  r: Float64Array;
}

function hotSignals(): Array<[string, Stereo]> {
  const out: Array<[string, Stereo]> = [];
  const amp24 = dbToGain(24);
  for (const f of [50, 440, 1000, 5000, 15000]) {
    const n = SR / 2;
    const l = new Float64Array(n);
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      l[i] = amp24 * Math.sin((2 * Math.PI * f * i) / SR);
      r[i] = amp24 * Math.sin((2 * Math.PI * f * 1.01 * i) / SR + 1);
    }
    out.push([`+24 dBFS sine ${f} Hz`, { l, r }]);
  }
  {
    const rnd = mulberry32(7);
    const amp = dbToGain(20);
    const l = new Float64Array(SR);
    const r = new Float64Array(SR);
    for (let i = 0; i < SR; i++) {
      l[i] = amp * (2 * rnd() - 1);
      r[i] = amp * (2 * rnd() - 1);
    }
    out.push(['+20 dB white noise', { l, r }]);
  }
  {
    const l = new Float64Array(SR);
    const r = new Float64Array(SR);
    // Isolated single-sample impulses of 20x full scale, the first on the very first sample,
    // spaced both closer and further apart than the lookahead.
    let t = 0;
    for (let k = 0; t < SR; k++) {
      (k % 3 === 2 ? r : l)[t] = k % 2 === 0 ? 20 : -20;
      t += [37, 71, 72, 73, 150, 4000][k % 6];
    }
    out.push(['20x impulses', { l, r }]);
  }
  {
    const l = new Float64Array(SR);
    const r = new Float64Array(SR);
    for (let i = 0; i < SR; i++) {
      const inBurst = i % 2880 < 480; // 10 ms bursts every 60 ms
      const sq = Math.sin((2 * Math.PI * 110 * i) / SR) >= 0 ? 1 : -1;
      l[i] = inBurst ? 20 * sq : 0.1 * sq;
      r[i] = inBurst ? -12 * sq : 0;
    }
    out.push(['square bursts', { l, r }]);
  }
  return out;
}

describe('Limiter', () => {
  it('reports its lookahead as latency', () => {
    expect(new Limiter(SR).latency).toBe(72);
    expect(new Limiter(44100, 0.003).latency).toBe(Math.round(0.003 * 44100));
  });

  it('never exceeds the ceiling on hot material (no tolerance)', () => {
    const signals = hotSignals();
    let closest = -Infinity;
    for (const ceilingDb of [-0.3, -6, -12]) {
      const ceiling = dbToGain(ceilingDb);
      for (const [name, sig] of signals) {
        const lim = new Limiter(SR);
        lim.setCeiling(ceilingDb);
        let peak = 0;
        for (let i = 0; i < sig.l.length; i++) {
          lim.process(sig.l[i], sig.r[i]);
          peak = Math.max(peak, Math.abs(lim.outL), Math.abs(lim.outR));
        }
        expect(peak, `${name}, ceiling ${ceilingDb}`).toBeLessThanOrEqual(ceiling);
        // It limits rather than mutes: the loud parts come out close to the ceiling.
        expect(peak, `${name}, ceiling ${ceilingDb}`).toBeGreaterThan(0.9 * ceiling);
        closest = Math.max(closest, 20 * Math.log10(peak / ceiling));
      }
    }
    console.log(`[limiter] max output re ceiling: ${closest.toFixed(6)} dB (must be <= 0)`);
  });

  it('holds the ceiling with the gain ramp alone on a sustained +24 dB sine (the hard clamp is only a guarantee)', () => {
    // After the attack, output peak equals ceiling, and the waveform is just the input scaled
    // (no clipping flats): the ratio output/input is the same on consecutive samples.
    const lim = new Limiter(SR);
    const amp = dbToGain(24);
    const x = (i: number): number => amp * Math.sin((2 * Math.PI * 440 * i) / SR);
    let maxRatioSpread = 0;
    for (let i = 0; i < SR; i++) {
      lim.process(x(i), x(i));
      const src = x(i - lim.latency);
      if (i > SR / 2 && Math.abs(src) > 0.5 * amp) {
        const ratio = lim.outL / src;
        const expected = dbToGain(-lim.gainReductionDb);
        maxRatioSpread = Math.max(maxRatioSpread, Math.abs(ratio - expected) / expected);
      }
    }
    expect(maxRatioSpread).toBeLessThan(1e-9);
  });

  it('is a bit-exact delayed copy below the ceiling, with 0 dB gain reduction', () => {
    for (const ceilingDb of [-0.3, -6]) {
      const ceiling = dbToGain(ceilingDb);
      const lim = new Limiter(SR);
      lim.setCeiling(ceilingDb);
      const rnd = mulberry32(42);
      const n = SR;
      const l = new Float64Array(n);
      const r = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        l[i] = ceiling * (2 * rnd() - 1);
        r[i] = 0.5 * ceiling * Math.sin(i / 10);
      }
      l[1000] = ceiling; // exactly at the ceiling is still "below"
      r[2000] = -ceiling;
      let mismatches = 0;
      let reduced = 0;
      for (let i = 0; i < n; i++) {
        lim.process(l[i], r[i]);
        const j = i - lim.latency;
        const wantL = j >= 0 ? l[j] : 0;
        const wantR = j >= 0 ? r[j] : 0;
        if (lim.outL !== wantL || lim.outR !== wantR) mismatches++;
        if (lim.gainReductionDb !== 0) reduced++;
      }
      expect(mismatches).toBe(0);
      expect(reduced).toBe(0);
    }
  });

  it('releases back to unity (and bit-exact transparency) after a peak', () => {
    const lim = new Limiter(SR, 0.0015, 0.08);
    const x = (i: number): number => 0.5 * Math.sin((2 * Math.PI * 220 * i) / SR);
    const burstStart = SR / 2;
    const burstEnd = burstStart + 480;
    const input = (i: number): number => (i >= burstStart && i < burstEnd ? 8 * x(i) : x(i));
    const gr = new Float64Array(3 * SR);
    let lateMismatch = 0;
    for (let i = 0; i < gr.length; i++) {
      lim.process(input(i), input(i));
      gr[i] = lim.gainReductionDb;
      if (i > burstEnd + 1.5 * SR && lim.outL !== input(i - lim.latency)) lateMismatch++;
    }
    // Deepest reduction ~ 20log10(8 * 0.5 / ceiling) = ~12.3 dB.
    const deepest = gr.reduce((m, v) => Math.max(m, v), 0);
    expect(deepest).toBeGreaterThan(12);
    expect(deepest).toBeLessThan(12.7);
    // Exponential release with tau = 80 ms: once the burst has left the lookahead window, the
    // gain deficit (1 - gain) shrinks by ~e per 80 ms.
    const t0 = burstEnd + lim.latency + 2 * lim.latency; // past the window and the box ramp
    const deficit = (i: number): number => 1 - dbToGain(-gr[i]);
    const ratio = deficit(t0 + Math.round(0.08 * SR)) / deficit(t0);
    expect(ratio).toBeGreaterThan(Math.exp(-1) * 0.8);
    expect(ratio).toBeLessThan(Math.exp(-1) * 1.2);
    // Back to exactly unity well after the burst (deficits below 1e-6 snap to 0).
    let unityAt = gr.length;
    while (unityAt > 0 && gr[unityAt - 1] === 0) unityAt--;
    console.log(`[limiter] 12.3 dB reduction released to exactly 0 dB ${((unityAt - burstEnd) / SR).toFixed(2)} s after the burst`);
    expect(unityAt).toBeLessThan(burstEnd + 1.5 * SR);
    expect(lateMismatch).toBe(0);
  });

  it('keeps the guarantee with no lookahead, for extreme and invalid input, and after reset', () => {
    const lim = new Limiter(SR, 0);
    expect(lim.latency).toBe(0);
    const c = dbToGain(-0.3);
    for (const v of [1e12, -1e300, Number.POSITIVE_INFINITY, Number.NaN, 3, -3, 0.2]) {
      lim.process(v, -v);
      expect(Math.abs(lim.outL)).toBeLessThanOrEqual(c);
      expect(Math.abs(lim.outR)).toBeLessThanOrEqual(c);
      expect(Number.isNaN(lim.outL)).toBe(false);
    }
    lim.reset();
    lim.process(0.1, 0.2);
    expect(lim.outL).toBe(0.1);
    expect(lim.outR).toBe(0.2);
    expect(lim.gainReductionDb).toBe(0);
  });
});
