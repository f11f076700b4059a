/**
 * The guided calibration of one joystick, as pure logic: the caller feeds raw axis values and
 * the time, and draws `progress`; nothing here starts a timer.
 *
 *   const session = new CalibrationSession(device.layout, { previous: store.get(device) });
 *   session.feed(manager.values(device.id).raw, Date.now());   // seed with the current values
 *   joysticks.on('axes', (v) => v.device === device && session.feed(v.raw, Date.now()));
 *   setInterval(() => session.tick(Date.now()), 100);         // rest ends even if no report comes
 *   ...'rest': "leave the stick alone", then 'range': "move every axis to both ends", then
 *   const { calibration, warnings } = session.finish();
 *
 * Phases:
 *  - 'rest' (restMs, default 1 s, from the first value): every value is a rest sample. Centred
 *    axes get their centre from the samples' median and, at the end, a dead zone covering the
 *    jitter seen (relative to the learned range). Devices that only report on change may send
 *    little here, so feed the current values when starting and call `tick`.
 *  - 'range' (until `finish`): each axis's min and max widen to every value seen, rest included.
 *  - 'done': `finish` was called; later values are ignored.
 *
 * `finish` returns a calibration for every axis of the layout, keeping each axis's mode, curve
 * and inversion from `previous` (or the defaults). An axis whose learned range covers less than
 * `minTravel` of its logical span never really moved: it keeps its previous calibration whole and
 * gets a warning, rather than a collapsed range that would make it jump from end to end.
 */
import {
  centreFromRest,
  deadZoneFromRest,
  defaultAxisCalibration,
  startRangeLearning,
  widenRange,
  type AxisCalibration,
  type JoystickCalibration,
} from './axis-calibration';
import type { AxisSlot } from './joystick-layout';

export const DEFAULT_REST_MS = 1000;
/** Below this fraction of its logical span an axis counts as not moved. */
export const DEFAULT_MIN_TRAVEL = 0.2;
/** Below this fraction of the logical span one half of a centred axis counts as not reached. */
export const MIN_HALF_TRAVEL = 0.05;
/** A rest dead zone above this means the stick was touched while it should have rested. */
export const MAX_QUIET_DEAD_ZONE = 0.25;
/** Rest samples kept per axis: bounds memory when a caller feeds far faster than expected. */
const MAX_REST_SAMPLES = 20000;

export type CalibrationPhase = 'rest' | 'range' | 'done';

export type CalibrationAxisSlot = Pick<AxisSlot, 'key' | 'logicalMin' | 'logicalMax' | 'unipolar'>;

export interface CalibrationSessionOptions {
  /** The device's current calibration: mode, curve and invert are kept; unmoved axes keep it all. */
  previous?: JoystickCalibration;
  /** Length of the rest phase (default 1000 ms). */
  restMs?: number;
  /** Fraction of the logical span an axis must travel to count as moved (default 0.2). */
  minTravel?: number;
}

export interface AxisProgress {
  readonly key: string;
  readonly logicalMin: number;
  readonly logicalMax: number;
  /** Latest raw value, null before the first. */
  readonly raw: number | null;
  readonly restSamples: number;
  /** Lowest and highest rest value (the jitter band), null before the first. */
  readonly restMin: number | null;
  readonly restMax: number | null;
  /** Median of the rest samples so far, null before the first. */
  readonly centre: number | null;
  /** Learned range (rest values included), null until the range phase has a value. */
  readonly min: number | null;
  readonly max: number | null;
  /** (max - min) / logical span, 0..1. */
  readonly travel: number;
  /** travel >= minTravel. */
  readonly moved: boolean;
}

export interface CalibrationProgress {
  readonly phase: CalibrationPhase;
  /** Time spent resting so far, and the time needed. */
  readonly restElapsedMs: number;
  readonly restMs: number;
  readonly axes: readonly AxisProgress[];
}

export type CalibrationWarningKind = 'not-moved' | 'one-sided' | 'rest-moved';

export interface CalibrationWarning {
  readonly key: string;
  readonly kind: CalibrationWarningKind;
  readonly message: string;
}

export interface CalibrationResult {
  readonly calibration: JoystickCalibration;
  readonly warnings: readonly CalibrationWarning[];
}

interface AxisState {
  readonly slot: CalibrationAxisSlot;
  /** previous[key] or the default: what the learned values are laid over. */
  readonly base: AxisCalibration;
  readonly rest: number[];
  restMin: number;
  restMax: number;
  raw: number | null;
  /** Null until the first range-phase value. */
  learned: AxisCalibration | null;
}

const pct = (v: number): string => `${Math.round(v * 100)} %`;

export class CalibrationSession {
  private readonly axes: AxisState[];
  private readonly previous: JoystickCalibration;
  private readonly restMs: number;
  private readonly minTravel: number;
  private phaseNow: CalibrationPhase = 'rest';
  private restStart: number | null = null;
  private lastTime: number | null = null;
  private result: CalibrationResult | null = null;

  constructor(layout: { readonly axes: readonly CalibrationAxisSlot[] }, options: CalibrationSessionOptions = {}) {
    this.previous = options.previous ?? {};
    this.restMs = options.restMs ?? DEFAULT_REST_MS;
    this.minTravel = options.minTravel ?? DEFAULT_MIN_TRAVEL;
    this.axes = layout.axes.map((slot) => ({
      slot,
      base: this.previous[slot.key] ?? defaultAxisCalibration(slot),
      rest: [],
      restMin: Infinity,
      restMax: -Infinity,
      raw: null,
      learned: null,
    }));
  }

  get phase(): CalibrationPhase {
    return this.phaseNow;
  }

  /**
   * One set of raw logical values by axis key (ReportDecoder's `state.raw`, JoystickValues.raw)
   * at time `nowMs`. Feed decoded reports only: the decoder's values before the first report are
   * placeholders (logical min), not readings.
   */
  feed(raw: Readonly<Record<string, number>>, nowMs: number): void {
    this.tick(nowMs);
    if (this.phaseNow === 'done') return;
    this.restStart ??= nowMs;
    for (const a of this.axes) {
      const v = raw[a.slot.key];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      a.raw = v;
      if (this.phaseNow === 'rest') {
        if (a.rest.length < MAX_REST_SAMPLES) a.rest.push(v);
        a.restMin = Math.min(a.restMin, v);
        a.restMax = Math.max(a.restMax, v);
      } else {
        a.learned = a.learned ? widenRange(a.learned, v) : this.startRange(a, v);
      }
    }
  }

  /**
   * Advances time without values: ends the rest phase once restMs have passed since the first
   * value and every axis has at least one rest sample.
   */
  tick(nowMs: number): void {
    // Time never runs backwards here: a stale timestamp must not reopen the rest phase.
    this.lastTime = this.lastTime === null ? nowMs : Math.max(this.lastTime, nowMs);
    if (this.phaseNow !== 'rest' || this.restStart === null) return;
    if (this.lastTime - this.restStart >= this.restMs && this.axes.every((a) => a.rest.length > 0)) this.phaseNow = 'range';
  }

  get progress(): CalibrationProgress {
    const restElapsedMs = this.restStart === null || this.lastTime === null ? 0 : Math.min(this.restMs, this.lastTime - this.restStart);
    return {
      phase: this.phaseNow,
      restElapsedMs: this.phaseNow === 'rest' ? restElapsedMs : this.restMs,
      restMs: this.restMs,
      axes: this.axes.map((a) => {
        const travel = this.travel(a);
        return {
          key: a.slot.key,
          logicalMin: a.slot.logicalMin,
          logicalMax: a.slot.logicalMax,
          raw: a.raw,
          restSamples: a.rest.length,
          restMin: a.rest.length > 0 ? a.restMin : null,
          restMax: a.rest.length > 0 ? a.restMax : null,
          centre: centreFromRest(a.rest),
          min: a.learned?.min ?? null,
          max: a.learned?.max ?? null,
          travel,
          moved: travel >= this.minTravel,
        };
      }),
    };
  }

  /**
   * Ends the session: the learned calibration (every axis of the layout, plus entries of
   * `previous` for axes the layout lacks) and what went wrong per axis. Same result when called
   * again.
   */
  finish(): CalibrationResult {
    if (this.result) return this.result;
    this.phaseNow = 'done';
    const calibration: JoystickCalibration = { ...this.previous };
    const warnings: CalibrationWarning[] = [];
    for (const a of this.axes) {
      const { key } = a.slot;
      const learned = this.learnAxis(a, warnings);
      calibration[key] = learned ?? a.base;
    }
    this.result = { calibration, warnings };
    return this.result;
  }

  private startRange(a: AxisState, v: number): AxisCalibration {
    // Rest values are readings too: a stick swept on one side only still spans its rest point.
    let cal = startRangeLearning(a.base, v);
    if (a.rest.length > 0) cal = widenRange(widenRange(cal, a.restMin), a.restMax);
    return cal;
  }

  private travel(a: AxisState): number {
    const span = a.slot.logicalMax - a.slot.logicalMin;
    if (!a.learned || span <= 0) return 0;
    return Math.min(1, (a.learned.max - a.learned.min) / span);
  }

  /** The learned calibration of one axis, or null (with a warning) to keep its previous one. */
  private learnAxis(a: AxisState, warnings: CalibrationWarning[]): AxisCalibration | null {
    const { key } = a.slot;
    const kept = this.previous[key] ? 'kept its previous calibration' : 'kept the default calibration';
    const travel = this.travel(a);
    if (!a.learned || travel < this.minTravel) {
      warnings.push({
        key,
        kind: 'not-moved',
        message: `${key} did not move far enough (${pct(travel)} of its travel, need ${pct(this.minTravel)}): ${kept}`,
      });
      return null;
    }
    const { min, max } = a.learned;
    if (a.base.mode === 'unipolar') {
      // No centre on a unipolar axis, and its rest point (a throttle left anywhere) says nothing.
      return { ...a.base, min, max, centre: (min + max) / 2 };
    }
    const span = a.slot.logicalMax - a.slot.logicalMin;
    const restCentre = centreFromRest(a.rest);
    const centre = restCentre !== null && restCentre >= min && restCentre <= max ? restCentre : (min + max) / 2;
    if (centre - min < MIN_HALF_TRAVEL * span || max - centre < MIN_HALF_TRAVEL * span) {
      const side = centre - min < max - centre ? 'below' : 'above';
      warnings.push({ key, kind: 'one-sided', message: `${key} never moved ${side} its rest point: ${kept}` });
      return null;
    }
    const cal: AxisCalibration = { ...a.base, min, max, centre };
    if (a.rest.length === 0) return cal;
    const deadZone = deadZoneFromRest(cal, a.rest);
    if (deadZone > MAX_QUIET_DEAD_ZONE) {
      warnings.push({
        key,
        kind: 'rest-moved',
        message: `${key} moved while it should have rested (dead zone ${pct(deadZone)}): calibrate again without touching it`,
      });
    }
    return { ...cal, deadZone };
  }
}
