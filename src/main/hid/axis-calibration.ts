/**
 * Per-axis calibration: pure functions over a small serialisable config.
 *
 * Works on raw logical values (ReportDecoder's `state.raw`), so a learned centre and range
 * survive a device whose rest point is off-centre or that never reaches its logical ends.
 *
 *   centred axis:  raw -> (raw - centre) / (max - centre) above the centre, / (centre - min)
 *                  below it, so each half reaches exactly +-1; then the dead zone, the curve and
 *                  the inversion. Result -1..1.
 *   unipolar axis: raw -> (raw - min) / (max - min); dead zone at the low end. Result 0..1;
 *                  `invert` gives 1 - value. `centre` is not used.
 *
 * Dead zone: a fraction of each half-range (0.05 = the inner 5 % reads 0). Outside it the rest is
 * rescaled to start at 0, so there is no jump at its edge.
 * Curve: output = sign(v) * |v| ^ curve after the dead zone. 1 is linear; 2 to 3 gives fine
 * control near the centre (good for expressive pitch or filter moves), below 1 is twitchier.
 */
import { z } from 'zod';
import { axonError, withDetails } from '../../shared/errors';
import { JOYSTICK_AXIS_PARAMS } from '../../shared/params/registry';
import type { AudioRange, NormalRange } from '../../shared/units';
import type { AxisSlot } from './joystick-layout';

export const AxisCalibrationSchema = z.strictObject({
  mode: z.enum(['centred', 'unipolar']),
  /** Raw logical value at rest (centred axes). */
  centre: z.number().refine(Number.isFinite, 'must be finite'),
  /** Raw logical values at the ends of travel. */
  min: z.number().refine(Number.isFinite, 'must be finite'),
  max: z.number().refine(Number.isFinite, 'must be finite'),
  /** Fraction of each half-range that reads as rest. */
  deadZone: z.number().min(JOYSTICK_AXIS_PARAMS.deadZone.min).max(JOYSTICK_AXIS_PARAMS.deadZone.max),
  /** Response exponent (1 = linear). */
  curve: z.number().min(JOYSTICK_AXIS_PARAMS.curve.min).max(JOYSTICK_AXIS_PARAMS.curve.max),
  invert: z.boolean(),
});
export type AxisCalibration = z.infer<typeof AxisCalibrationSchema>;

/** Calibrations of one device, by axis key ('x', 'slider2', ...). */
export const JoystickCalibrationSchema = z.record(z.string().min(1).max(32), AxisCalibrationSchema);
export type JoystickCalibration = z.infer<typeof JoystickCalibrationSchema>;

export const DEFAULT_DEAD_ZONE = JOYSTICK_AXIS_PARAMS.deadZone.default;

/** The calibration a fresh axis gets: its logical range, centre in the middle, a small dead zone, linear. */
export function defaultAxisCalibration(axis: Pick<AxisSlot, 'logicalMin' | 'logicalMax' | 'unipolar'>): AxisCalibration {
  return {
    mode: axis.unipolar ? 'unipolar' : 'centred',
    centre: (axis.logicalMin + axis.logicalMax) / 2,
    min: axis.logicalMin,
    max: axis.logicalMax,
    deadZone: axis.unipolar ? 0 : DEFAULT_DEAD_ZONE,
    curve: JOYSTICK_AXIS_PARAMS.curve.default,
    invert: false,
  };
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** Dead zone then curve on a magnitude in 0..1. */
function shape(magnitude: number, cal: AxisCalibration): number {
  if (magnitude <= cal.deadZone) return 0;
  const live = (magnitude - cal.deadZone) / (1 - cal.deadZone);
  return cal.curve === 1 ? live : Math.pow(live, cal.curve);
}

/** A raw value through the calibration: -1..1 (centred) or 0..1 (unipolar). */
export function applyCalibration(raw: number, cal: AxisCalibration): AudioRange | NormalRange {
  if (cal.mode === 'unipolar') {
    const span = cal.max - cal.min;
    const v = span > 0 ? shape(clamp((raw - cal.min) / span, 0, 1), cal) : 0;
    return cal.invert ? 1 - v : v;
  }
  const half = raw >= cal.centre ? cal.max - cal.centre : cal.centre - cal.min;
  const v = half > 0 ? clamp((raw - cal.centre) / half, -1, 1) : 0;
  const out = Math.sign(v) * shape(Math.abs(v), cal);
  // `+ 0` turns -0 into 0 so rest compares equal to 0.
  return (cal.invert ? -out : out) + 0;
}

/** The calibration with its range widened to include `raw` (call on every report while learning). */
export function widenRange(cal: AxisCalibration, raw: number): AxisCalibration {
  if (raw >= cal.min && raw <= cal.max) return cal;
  return { ...cal, min: Math.min(cal.min, raw), max: Math.max(cal.max, raw) };
}

/** Starts range learning: min and max collapse onto the current value and grow from there. */
export function startRangeLearning(cal: AxisCalibration, raw: number): AxisCalibration {
  return { ...cal, min: raw, max: raw };
}

/**
 * The centre from raw values sampled while the stick is left alone: their median, so a
 * twitch during sampling does not drag it. Null for no samples.
 */
export function centreFromRest(samples: readonly number[]): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A dead zone that hides the rest jitter seen in `samples`: their largest distance from the
 * centre, as a fraction of the smaller half-range, plus `margin`; capped at 0.5.
 */
export function deadZoneFromRest(cal: AxisCalibration, samples: readonly number[], margin = 0.02): number {
  const half = Math.min(cal.max - cal.centre, cal.centre - cal.min);
  if (samples.length === 0 || half <= 0) return cal.deadZone;
  let spread = 0;
  for (const s of samples) spread = Math.max(spread, Math.abs(s - cal.centre));
  return Math.min(0.5, spread / half + margin);
}

/** Validates a stored calibration (e.g. read from settings); throws hid_calibration_invalid listing the problems. */
export function parseJoystickCalibration(where: string, value: unknown): JoystickCalibration {
  const result = JoystickCalibrationSchema.safeParse(value);
  if (result.success) {
    const bad = Object.entries(result.data).filter(([, c]) => c.min > c.max || (c.mode === 'centred' && (c.centre < c.min || c.centre > c.max)));
    if (bad.length === 0) return result.data;
    throw withDetails(
      axonError('hid_calibration_invalid', where, bad.length),
      bad.map(([key, c]) => `${key}: need min <= centre <= max, got ${c.min} / ${c.centre} / ${c.max}`),
    );
  }
  throw withDetails(
    axonError('hid_calibration_invalid', where, result.error.issues.length),
    result.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`),
  );
}
