import { describe, expect, it } from 'vitest';
import { applyCalibration, centreFromRest, defaultAxisCalibration, parseJoystickCalibration, type AxisCalibration, type JoystickCalibration } from '../../src/main/hid/axis-calibration';
import { CalibrationSession, type CalibrationAxisSlot } from '../../src/main/hid/calibration-session';
import { joystickLayout } from '../../src/main/hid/joystick-layout';
import { ReportDecoder } from '../../src/main/hid/report-decoder';
import { parseReportDescriptor } from '../../src/main/hid/report-descriptor';
import { mulberry32 } from '../dsp/measure';
import { descriptorBytes } from './fixture-data';

// Raw values shaped like a real stick's: integer readings, a rest point off the logical middle
// with a few LSB of jitter, sweeps that stop short of the logical ends, reports every 8 ms.

const STICK: CalibrationAxisSlot[] = [
  { key: 'x', logicalMin: 0, logicalMax: 1023, unipolar: false },
  { key: 'y', logicalMin: 0, logicalMax: 1023, unipolar: false },
  { key: 'rz', logicalMin: 0, logicalMax: 255, unipolar: false },
  { key: 'slider', logicalMin: 0, logicalMax: 255, unipolar: true },
];
const REPORT_MS = 8;

/** Integer jitter of about +-amp LSB (a sum of uniforms: bell-shaped, like ADC noise). */
const jitter = (rnd: () => number, amp: number) => Math.round((rnd() + rnd() + rnd() - 1.5) * (2 * amp) / 1.5);
const clampTo = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

interface Feeder {
  session: CalibrationSession;
  t: number;
  /** Every value fed while the session was resting, by axis. */
  rest: Record<string, number[]>;
}

function feeder(session: CalibrationSession): Feeder {
  return { session, t: 10_000, rest: {} };
}

/** Feeds `count` reports, one every REPORT_MS, values from `at(i)`. */
function play(f: Feeder, count: number, at: (i: number) => Record<string, number>) {
  for (let i = 0; i < count; i++) {
    const raw = at(i);
    f.t += REPORT_MS;
    const resting = f.session.phase === 'rest';
    f.session.feed(raw, f.t);
    // The session ends rest on this feed's time before recording: count the sample as it does.
    if (resting && f.session.phase === 'rest') for (const [k, v] of Object.entries(raw)) (f.rest[k] ??= []).push(v);
  }
}

/** A triangle sweep from `from` to `lo`, up to `hi` and back, over `n` steps. */
const sweep = (i: number, n: number, from: number, lo: number, hi: number) => {
  const p = (i % n) / n;
  if (p < 0.25) return from + (lo - from) * (p / 0.25);
  if (p < 0.75) return lo + (hi - lo) * ((p - 0.25) / 0.5);
  return hi + (from - hi) * ((p - 0.75) / 0.25);
};

const X_REST = 587;
const Y_REST = 431;
const RZ_REST = 140;

function stickRun(seed: number, previous?: JoystickCalibration) {
  const rnd = mulberry32(seed);
  const f = feeder(new CalibrationSession({ axes: STICK }, { previous }));
  const restValues = () => ({ x: X_REST + jitter(rnd, 3), y: Y_REST + jitter(rnd, 2), rz: RZ_REST + jitter(rnd, 1), slider: 0 + Math.max(0, jitter(rnd, 1)) });
  play(f, 150, restValues); // 1.2 s: rest ends after 1 s
  expect(f.session.phase).toBe('range');
  // Sweep x and y to (near) their ends, the slider all the way; rz is never touched.
  play(f, 400, (i) => ({
    x: clampTo(Math.round(sweep(i, 200, X_REST, 4, 1019)) + jitter(rnd, 3), 0, 1023),
    y: clampTo(Math.round(sweep(i + 50, 200, Y_REST, 0, 1023)) + jitter(rnd, 2), 0, 1023),
    rz: RZ_REST + jitter(rnd, 1),
    slider: clampTo(Math.round(sweep(i, 400, 0, 0, 251)), 0, 255),
  }));
  return f;
}

describe('joystick calibration session', () => {
  for (const seed of [1, 2, 3]) {
    it(`learns centre, dead zone and range from noisy rest and sweeps (seed ${seed})`, () => {
      const previous: JoystickCalibration = {
        x: { ...defaultAxisCalibration(STICK[0]), curve: 2.5, invert: true, deadZone: 0.2 },
        rz: { ...defaultAxisCalibration(STICK[2]), centre: 120, min: 10, max: 240, curve: 3 },
      };
      const f = stickRun(seed, previous);
      const { calibration, warnings } = f.session.finish();

      for (const [key, rest] of [['x', X_REST], ['y', Y_REST]] as const) {
        const cal = calibration[key];
        const median = centreFromRest(f.rest[key]) ?? NaN;
        expect(Math.abs(cal.centre - median), `${key} centre ${cal.centre} vs median ${median}`).toBeLessThanOrEqual(1);
        expect(Math.abs(cal.centre - rest)).toBeLessThanOrEqual(1);
        // Every rest reading reads as rest, and the dead zone is not much wider than the jitter.
        for (const v of f.rest[key]) expect(applyCalibration(v, cal), `${key} rest ${v}`).toBe(0);
        const half = Math.min(cal.max - cal.centre, cal.centre - cal.min);
        const jitterWidth = Math.max(...f.rest[key].map((v) => Math.abs(v - cal.centre))) / half;
        expect(cal.deadZone).toBeGreaterThanOrEqual(jitterWidth);
        expect(cal.deadZone).toBeLessThanOrEqual(jitterWidth + 0.03);
      }
      // Full range: the extremes reached, each half reaching exactly +-1 there.
      expect(calibration.x.min).toBeLessThanOrEqual(4 + 3);
      expect(calibration.x.max).toBeGreaterThanOrEqual(1019 - 3);
      expect([calibration.y.min, calibration.y.max]).toEqual([0, 1023]);
      expect(applyCalibration(calibration.y.min, calibration.y)).toBe(-1);
      expect(applyCalibration(calibration.y.max, calibration.y)).toBe(1);
      // Curve, invert and mode come from the previous calibration (x) or the default (y).
      expect(calibration.x).toMatchObject({ mode: 'centred', curve: 2.5, invert: true });
      expect(calibration.y).toMatchObject({ mode: 'centred', curve: 1, invert: false });
      // The unipolar slider gets its range; its dead zone is not learned from rest.
      expect(calibration.slider).toMatchObject({ mode: 'unipolar', min: 0, max: 251, deadZone: 0 });
      // rz never moved: warned, and its previous calibration is kept whole.
      expect(warnings.map((w) => `${w.key} ${w.kind}`)).toEqual(['rz not-moved']);
      expect(warnings[0].message).toMatch(/^rz did not move far enough \(\d+ % of its travel, need 20 %\): kept its previous calibration$/);
      expect(calibration.rz).toEqual(previous.rz);
      expect(() => parseJoystickCalibration('learned', calibration)).not.toThrow();
    });
  }

  it('an unmoved axis without a previous calibration keeps the default', () => {
    const { calibration, warnings } = stickRun(4).session.finish();
    expect(calibration.rz).toEqual(defaultAxisCalibration(STICK[2]));
    expect(warnings[0].message).toContain('kept the default calibration');
  });

  it('keeps previous entries of axes the layout lacks', () => {
    const extra: AxisCalibration = { ...defaultAxisCalibration({ logicalMin: 0, logicalMax: 255, unipolar: false }), curve: 2 };
    expect(stickRun(5, { dial: extra }).session.finish().calibration.dial).toEqual(extra);
  });

  it('rests for restMs from the first value, also when only tick moves time, and shows progress', () => {
    const s = new CalibrationSession({ axes: STICK.slice(0, 2) }, { restMs: 1000 });
    expect(s.progress).toMatchObject({ phase: 'rest', restElapsedMs: 0, restMs: 1000 });
    s.tick(500); // no value yet: the rest clock has not started
    s.feed({ x: 600, y: 400 }, 1000);
    s.feed({ x: 603, y: 401 }, 1100);
    s.feed({ x: 601, y: 399 }, 1200);
    s.tick(1999);
    expect(s.phase).toBe('rest');
    expect(s.progress.restElapsedMs).toBe(999);
    expect(s.progress.axes[0]).toEqual({
      key: 'x', logicalMin: 0, logicalMax: 1023, raw: 601, restSamples: 3, restMin: 600, restMax: 603, centre: 601, min: null, max: null, travel: 0, moved: false,
    });
    s.tick(1500); // an older time changes nothing
    s.tick(2000); // a stick that reports only on change sends nothing more: time alone ends the rest
    expect(s.phase).toBe('range');
    expect(s.progress.restElapsedMs).toBe(1000);
    s.feed({ x: 900, y: 400 }, 2100);
    s.feed({ x: 100, y: 400 }, 2200);
    const x = s.progress.axes[0];
    expect([x.min, x.max, x.centre, x.moved]).toEqual([100, 900, 601, true]);
    expect(x.travel).toBeCloseTo(800 / 1023, 12);
    // Rest values count toward the range: y's jitter band.
    expect([s.progress.axes[1].min, s.progress.axes[1].max, s.progress.axes[1].moved]).toEqual([399, 401, false]);
    const result = s.finish();
    expect(s.phase).toBe('done');
    s.feed({ x: 1023, y: 1023 }, 2300);
    expect(s.finish()).toBe(result);
    expect(result.calibration.x).toMatchObject({ min: 100, max: 900, centre: 601 });
  });

  it('does not end the rest phase before every axis has a value', () => {
    const s = new CalibrationSession({ axes: STICK.slice(0, 2) }, { restMs: 100 });
    s.feed({ x: 500 }, 0);
    s.tick(500);
    expect(s.phase).toBe('rest');
    s.feed({ x: 500, y: Number.NaN }, 600);
    expect(s.phase).toBe('rest');
    s.feed({ x: 500, y: 510 }, 700);
    s.tick(701);
    expect(s.phase).toBe('range');
  });

  it('finishing during rest learns nothing and keeps every axis', () => {
    const previous: JoystickCalibration = { x: { ...defaultAxisCalibration(STICK[0]), centre: 700 } };
    const s = new CalibrationSession({ axes: STICK.slice(0, 2) }, { previous });
    s.feed({ x: 650, y: 500 }, 0);
    const { calibration, warnings } = s.finish();
    expect(calibration).toEqual({ x: previous.x, y: defaultAxisCalibration(STICK[1]) });
    expect(warnings.map((w) => `${w.key} ${w.kind}`)).toEqual(['x not-moved', 'y not-moved']);
  });

  it('an axis moved to one side only is warned about and kept', () => {
    const s = new CalibrationSession({ axes: STICK.slice(0, 1) }, { restMs: 100 });
    for (let t = 0; t <= 100; t += 10) s.feed({ x: 512 + (t % 20 === 0 ? 1 : -1) }, t);
    expect(s.phase).toBe('range');
    for (let v = 512; v <= 1023; v += 16) s.feed({ x: v }, 200 + v);
    const { calibration, warnings } = s.finish();
    expect(warnings).toEqual([{ key: 'x', kind: 'one-sided', message: 'x never moved below its rest point: kept the default calibration' }]);
    expect(calibration.x).toEqual(defaultAxisCalibration(STICK[0]));
  });

  it('a stick touched while it should rest is saved with a warning', () => {
    const s = new CalibrationSession({ axes: STICK.slice(0, 1) }, { restMs: 100 });
    for (let t = 0; t <= 100; t += 10) s.feed({ x: t === 50 ? 900 : 512 }, t);
    for (const v of [0, 1023, 512]) s.feed({ x: v }, 200);
    const { calibration, warnings } = s.finish();
    expect(warnings.map((w) => `${w.key} ${w.kind}`)).toEqual(['x rest-moved']);
    expect(calibration.x).toMatchObject({ centre: 512, min: 0, max: 1023, deadZone: 0.5 });
  });

  it('learns from a real X52 layout fed with decoded reports', () => {
    const layout = joystickLayout(parseReportDescriptor(descriptorBytes('saitek-x52')));
    const decoder = new ReportDecoder(layout);
    const s = new CalibrationSession(layout);
    const rnd = mulberry32(11);
    /** An X52 report: X and Y 11-bit at bits 0 and 11, everything else 0. */
    const report = (x: number, y: number) => {
      const r = new Uint8Array(14);
      r[0] = x & 0xff;
      r[1] = ((x >> 8) & 0x07) | ((y & 0x1f) << 3);
      r[2] = (y >> 5) & 0x3f;
      return r;
    };
    let t = 0;
    const send = (x: number, y: number) => {
      expect(decoder.decode(report(x, y))).toBe(true);
      s.feed(decoder.state.raw, (t += REPORT_MS));
    };
    for (let i = 0; i < 140; i++) send(1030 + jitter(rnd, 4), 1010 + jitter(rnd, 4));
    for (let i = 0; i < 300; i++) send(clampTo(Math.round(sweep(i, 160, 1030, 20, 2030)), 0, 2047), clampTo(Math.round(sweep(i + 40, 160, 1010, 0, 2047)), 0, 2047));
    const { calibration, warnings } = s.finish();
    expect(Math.abs(calibration.x.centre - 1030)).toBeLessThanOrEqual(1);
    expect(Math.abs(calibration.y.centre - 1010)).toBeLessThanOrEqual(1);
    expect([calibration.x.min, calibration.x.max, calibration.y.min, calibration.y.max]).toEqual([20, 2030, 0, 2047]);
    // The report leaves the other axes at 0: none of them moved.
    expect(warnings.map((w) => w.key)).toEqual(['rz', 'z', 'rx', 'ry', 'slider']);
    expect(Object.keys(calibration)).toEqual(layout.axes.map((a) => a.key));
  });
});
