import { PWM_MAX } from '../../../shared/drum-table';
import type { Hertz, Microseconds, Milliseconds } from '../../../shared/units';
import type { Heard } from '../../audio-in/audio-input';
import type { Ear } from '../calibration/live-strike-rig';
import { SeededRandom } from '../../reservoir/reservoir-build';
import type { Strike } from './motor-shield-v1';

// A model of a drum struck by a car-door-lock motor, and of a microphone next to it: what lets
// the app, the CLI and the tests rehearse calibration without hardware. The stick reaches the
// skin `reachMs` after the motor starts forward at full PWM (longer when driven slower, as
// 1/sqrt(PWM)); a push that ends before then never touches the skin. Once it touches, the hit
// grows with how long the motor keeps pressing, reaching full strength at 1.2 x the reach. The
// microphone hears each hit as a decaying sine over a little noise.

export interface ModelDrum {
  /** Stick travel to the skin at full forward PWM. */
  reachMs: Milliseconds;
  /** Peak level of a full-strength hit at full PWM (linear, full scale 1). */
  level: number;
  /** The drum's ring. */
  freq: Hertz;
}

/** Hits ring down at this rate (1/s). */
const DECAY_PER_S = 25;
/** After this long a hit has rung down below -200 dB: older ones are left out of a recording. */
const RING_MS = 1000;
/** A push this long (times the reach) presses the stick through: full strength. */
const FULL_PUSH = 1.2;
/** A slow stick hits softer: at the lowest PWM a hit has this share of the full-PWM level. */
const SLOW_SHARE = 0.3;

/** The simulated board's kit, by drum: each with its own travel and ring (a snare, a tom, a block, a kick). */
export const MODEL_KIT: readonly ModelDrum[] = [
  { reachMs: 14, level: 0.6, freq: 180 },
  { reachMs: 16, level: 0.5, freq: 120 },
  { reachMs: 12, level: 0.45, freq: 260 },
  { reachMs: 18, level: 0.7, freq: 70 },
];

/** The firmware's shield v1 wiring: drum d on motor M(d+1) (what the simulator decodes). */
export const motorOfDrum = (drum: number): number => drum + 1;

/** When the stick reaches the skin after the motor starts forward at `pwm`. */
export function reachMs(drum: ModelDrum, pwm: number): Milliseconds {
  return drum.reachMs * Math.sqrt(PWM_MAX / pwm);
}

/** The model's truth for calibration: the shortest forward push that hits at full strength at `pwm`. */
export function fullPushUs(drum: ModelDrum, pwm: number): Microseconds {
  return FULL_PUSH * reachMs(drum, pwm) * 1000;
}

/** The hit a forward push makes: when the stick lands after the push starts, and how loud; null when it never reaches the skin. */
export function modelHit(drum: ModelDrum, push: { forwardUs: Microseconds; forwardPwm: number }): { delayMs: Milliseconds; level: number } | null {
  const reach = reachMs(drum, push.forwardPwm);
  const f = push.forwardUs / 1000;
  if (f < reach) return null;
  const pressed = Math.min(1, (f - 0.5 * reach) / ((FULL_PUSH - 0.5) * reach));
  const speed = SLOW_SHARE + ((1 - SLOW_SHARE) * push.forwardPwm) / PWM_MAX;
  return { delayMs: reach, level: drum.level * pressed * speed };
}

export interface SoundingHit {
  /** Seconds from the recording's start (may be negative: a hit before it still rings into it). */
  at: number;
  level: number;
  freq?: Hertz;
}

/** Adds hits, each a decaying sine (200 Hz unless given), into `x` in place; returns it. */
export function addHits(x: Float32Array, rate: Hertz, hits: readonly SoundingHit[]): Float32Array {
  for (const h of hits) {
    const start = Math.round(h.at * rate);
    const w = 2 * Math.PI * (h.freq ?? 200);
    for (let i = Math.max(0, start); i < x.length; i++) {
      const t = (i - start) / rate;
      x[i] += h.level * Math.exp(-t * DECAY_PER_S) * Math.sin(w * t);
    }
  }
  return x;
}

/** What the microphone reads the board by: its motors' strikes and when the simulation reached a time (AvrBoard has them). */
export interface MotorPins {
  strikes(motor: number): Strike[];
  nowMicros(): number;
  /** performance.now() ms at which the simulation reached simulated µs `micros`; null before it has. */
  wallTimeOf(micros: number): number | null;
}

export interface ModelMicrophoneOptions {
  /** The drum on each of the board's drums (index = drum); null where no drum is mounted (silent). */
  kit?: readonly (ModelDrum | null)[];
  sampleRate?: Hertz;
  /** Room noise, peak (uniform). */
  noise?: number;
  seed?: number;
  /** Longest the microphone waits for a lagging simulator to reach the end of what is asked. */
  maxWaitMs?: Milliseconds;
}

/** A hit the microphone rendered: which drum, when it landed (performance.now() ms) and how loud. */
export interface LandedHit {
  drum: number;
  atMs: Milliseconds;
  level: number;
}

/**
 * The microphone at the simulated board's drums: an Ear (what calibration listens with) that
 * renders what it would have heard from the simulator's actual motor-pin timeline. The
 * simulator keeps pace with the wall clock but may fall behind it on a loaded machine: a motor
 * change is placed when the simulation actually made it (as a late board would make it late),
 * and the sound is ready once the simulation has got past the end of the window asked for.
 */
export class ModelMicrophone implements Ear {
  readonly sampleRate: Hertz;
  private readonly kit: readonly (ModelDrum | null)[];
  private readonly noise: number;
  private readonly maxWaitMs: Milliseconds;
  private readonly rng: SeededRandom;
  private readonly rendered = new Map<string, LandedHit>();

  constructor(
    private readonly board: MotorPins,
    o: ModelMicrophoneOptions = {},
  ) {
    this.kit = o.kit ?? MODEL_KIT;
    this.sampleRate = o.sampleRate ?? 48000;
    this.noise = o.noise ?? 0.002;
    this.maxWaitMs = o.maxWaitMs ?? 2000;
    this.rng = new SeededRandom(o.seed ?? 3, 0);
  }

  /** Every hit rendered so far, oldest first (the model's truth, for comparing with what calibration measured). */
  get landed(): LandedHit[] {
    return [...this.rendered.values()].sort((a, b) => a.atMs - b.atMs);
  }

  async listen(fromMs: Milliseconds, toMs: Milliseconds): Promise<Heard> {
    const giveUp = Math.max(performance.now(), toMs) + this.maxWaitMs;
    const reached = () => this.board.wallTimeOf(this.board.nowMicros()) ?? -Infinity;
    while (reached() < toMs && performance.now() < giveUp) await new Promise((r) => setTimeout(r, 5));
    const x = Float32Array.from({ length: Math.round(((toMs - fromMs) / 1000) * this.sampleRate) }, () => this.noise * (2 * this.rng.uniform() - 1));
    const hits: SoundingHit[] = [];
    this.kit.forEach((drum, d) => {
      if (!drum) return;
      for (const s of this.board.strikes(motorOfDrum(d))) {
        const hit = modelHit(drum, s);
        if (!hit) continue;
        const startMs = this.board.wallTimeOf(s.start);
        if (startMs === null) continue;
        const atMs = startMs + hit.delayMs;
        if (atMs > toMs || atMs < fromMs - RING_MS) continue;
        // Keyed by the strike's own start: the same hit heard again is not a new one.
        const key = `${d}:${s.start}`;
        if (atMs >= fromMs && !this.rendered.has(key)) this.rendered.set(key, { drum: d, atMs, level: hit.level });
        hits.push({ at: (atMs - fromMs) / 1000, level: hit.level, freq: drum.freq });
      }
    });
    addHits(x, this.sampleRate, hits);
    return { samples: x, sampleRate: this.sampleRate, startMs: fromMs };
  }
}
