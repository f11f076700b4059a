// Adafruit-style motor shield v1 (74HC595 + two L293D) seen from the ATmega328P's pins.
//
// The 595 is outside the MCU: its shift and output registers survive an MCU reset (only a power
// cycle clears them). Direction comes from the 595's outputs (gated by /OE), speed from the
// L293D enable pins, which sit on the Timer0/Timer2 compare outputs. The PWM level is read
// from the timer's mode, compare-output bits and OCR register at the moment the firmware writes
// them (not sampled from the toggling pin), so a strike's phases are timed to the instruction
// that started and ended them.
import type { AVRIOPort, CPU } from 'avr8js';

export type MotorDirection = 'release' | 'forward' | 'back' | 'brake';

export interface MotorChange {
  /** Simulated time, µs since the board was powered (cycles / 16). */
  us: number;
  /** Simulated time in CPU cycles (16 MHz) of the instruction that caused the change. */
  cycles: number;
  direction: MotorDirection;
  /** Enable-pin drive 0..255 (duty in analogWrite units; 255 = pin held high). */
  pwm: number;
}

export interface Strike {
  /** Start of the forward phase, µs. */
  start: number;
  forwardUs: number;
  /** Released time between forward and back (0 when it went straight to back). */
  pauseUs: number;
  /** 0 when the motor never went back before the next forward phase. */
  backUs: number;
  /** PWM of the longest stretch of the forward phase (a phase may start at a stale PWM for a few µs). */
  forwardPwm: number;
  backPwm: number;
  /** False while the strike is still running (its last phase has not ended yet). */
  complete: boolean;
}

// Shield v1 wiring (Arduino pin -> port bit).
const PB_DATA = 1 << 0; // D8
const PB_LATCH = 1 << 4; // D12
const PD_CLK = 1 << 4; // D4
const PD_OE = 1 << 7; // D7, active low

// 595 output bits (a, b) per motor 1..4.
const DIR_BITS: readonly (readonly [number, number])[] = [
  [2, 3],
  [1, 4],
  [5, 7],
  [0, 6],
];

// ATmega328P register addresses (data space).
const DDRB = 0x24;
const DDRD = 0x2a;
const PORTD = 0x2b;
const TCCR0A = 0x44;
const TCCR0B = 0x45;
const OCR0A = 0x47;
const OCR0B = 0x48;
const TCCR2A = 0xb0;
const TCCR2B = 0xb1;
const OCR2A = 0xb3;
const OCR2B = 0xb4;

interface EnableChannel {
  tccra: number;
  tccrb: number;
  ocr: number;
  /** OCRnA, the TOP in modes 5 and 7. */
  ocrA: number;
  channelA: boolean;
  ddr: number;
  port: 'B' | 'D';
  bit: number;
}

// M1 = D11 (OC2A, PB3), M2 = D3 (OC2B, PD3), M3 = D6 (OC0A, PD6), M4 = D5 (OC0B, PD5).
const ENABLES: readonly EnableChannel[] = [
  { tccra: TCCR2A, tccrb: TCCR2B, ocr: OCR2A, ocrA: OCR2A, channelA: true, ddr: DDRB, port: 'B', bit: 3 },
  { tccra: TCCR2A, tccrb: TCCR2B, ocr: OCR2B, ocrA: OCR2A, channelA: false, ddr: DDRD, port: 'D', bit: 3 },
  { tccra: TCCR0A, tccrb: TCCR0B, ocr: OCR0A, ocrA: OCR0A, channelA: true, ddr: DDRD, port: 'D', bit: 6 },
  { tccra: TCCR0A, tccrb: TCCR0B, ocr: OCR0B, ocrA: OCR0A, channelA: false, ddr: DDRD, port: 'D', bit: 5 },
];
const ENABLE_PINS_B = 1 << 3;
const ENABLE_PINS_D = (1 << 3) | (1 << 5) | (1 << 6);

/** Registers whose writes can change a motor's PWM (the timers' own hooks run first). */
const WATCHED_REGISTERS = [TCCR0A, TCCR0B, OCR0A, OCR0B, TCCR2A, TCCR2B, OCR2A, OCR2B];

function directionOf(a: boolean, b: boolean): MotorDirection {
  if (a && !b) return 'forward';
  if (!a && b) return 'back';
  return a ? 'brake' : 'release';
}

export function isDriven(c: { direction: MotorDirection; pwm: number }): boolean {
  return (c.direction === 'forward' || c.direction === 'back') && c.pwm > 0;
}

export class MotorShieldV1 {
  /** 595 shift register and output (storage) register: external chip, kept across MCU resets. */
  private shift = 0;
  private latched = 0;
  private portB = 0;
  private portD = 0;
  private cpu: CPU | null = null;
  private readonly timelines: MotorChange[][] = [[], [], [], []];
  private readonly current: { direction: MotorDirection; pwm: number }[] = [];

  constructor() {
    for (let m = 0; m < 4; m++) {
      const first = { us: 0, cycles: 0, direction: 'release' as const, pwm: 0 };
      this.timelines[m].push(first);
      this.current.push({ direction: first.direction, pwm: first.pwm });
    }
  }

  /** Power cycle: the 595 loses its contents. */
  powerOff(): void {
    this.shift = 0;
    this.latched = 0;
  }

  /** Connects to a (fresh) CPU: port listeners plus wrappers around the timers' register hooks. */
  attach(cpu: CPU, portB: AVRIOPort, portD: AVRIOPort): void {
    this.cpu = cpu;
    this.portB = 0;
    this.portD = 0;
    portB.addListener((value, old) => this.onPortB(value, old));
    portD.addListener((value, old) => this.onPortD(value, old));
    for (const addr of WATCHED_REGISTERS) {
      const inner = cpu.writeHooks[addr];
      cpu.writeHooks[addr] = (value, oldValue, a, mask) => {
        // A hook returning true has stored the register itself; otherwise the CPU would store
        // `value` after us, so store it first to read the new state below.
        if (!inner || !inner(value, oldValue, a, mask)) cpu.data[addr] = value;
        this.update();
        return true;
      };
    }
    this.update();
  }

  private onPortB(value: number, old: number): void {
    this.portB = value;
    const changed = value ^ old;
    if (changed & PB_LATCH && value & PB_LATCH) this.latched = this.shift;
    if (changed & (PB_LATCH | ENABLE_PINS_B)) this.update();
  }

  private onPortD(value: number, old: number): void {
    this.portD = value;
    const changed = value ^ old;
    if (changed & PD_CLK && value & PD_CLK) this.shift = ((this.shift << 1) | (this.portB & PB_DATA ? 1 : 0)) & 0xff;
    if (changed & (PD_OE | ENABLE_PINS_D)) this.update();
  }

  /** 595 outputs as the L293D inputs see them: all low while /OE is not driven low (hi-Z). */
  private outputs(data: Uint8Array): number {
    const oeDrivenLow = data[DDRD] & PD_OE && !(data[PORTD] & PD_OE);
    return oeDrivenLow ? this.latched : 0;
  }

  private pwmOf(data: Uint8Array, ch: EnableChannel): number {
    const mask = 1 << ch.bit;
    if (!(data[ch.ddr] & mask)) return 0; // an input drives nothing
    const pinHigh = ((ch.port === 'B' ? this.portB : this.portD) & mask) !== 0;
    const tccra = data[ch.tccra];
    const tccrb = data[ch.tccrb];
    const com = ch.channelA ? (tccra >> 6) & 3 : (tccra >> 4) & 3;
    const wgm = (tccra & 3) | ((tccrb & 0x08) >> 1);
    const pwmMode = wgm === 1 || wgm === 3 || wgm === 5 || wgm === 7;
    const running = (tccrb & 7) !== 0;
    // Normal/CTC compare outputs, a stopped timer and COM 0 (port pin) all leave a plain level
    // on the pin: avr8js keeps that level (with its overrides) in the port's output value.
    if (com === 0 || !pwmMode || !running) return pinHigh ? 255 : 0;
    const topIsOcrA = wgm === 5 || wgm === 7;
    if (com === 1) {
      // Toggle on match is a 50% square wave only for OCnA with TOP = OCRA; else the pin is a port pin.
      if (ch.channelA && topIsOcrA) return 128;
      return pinHigh ? 255 : 0;
    }
    let duty: number;
    if (topIsOcrA) {
      const top = data[ch.ocrA];
      if (ch.channelA || top === 0) duty = 255;
      else duty = Math.round((255 * Math.min(data[ch.ocr], top)) / top);
    } else {
      duty = data[ch.ocr];
    }
    return com === 3 ? 255 - duty : duty;
  }

  private update(): void {
    const cpu = this.cpu;
    if (!cpu) return;
    const data = cpu.data;
    const out = this.outputs(data);
    let cycles = -1;
    for (let m = 0; m < 4; m++) {
      const [a, b] = DIR_BITS[m];
      const direction = directionOf((out & (1 << a)) !== 0, (out & (1 << b)) !== 0);
      const pwm = this.pwmOf(data, ENABLES[m]);
      const cur = this.current[m];
      if (cur.direction === direction && cur.pwm === pwm) continue;
      cur.direction = direction;
      cur.pwm = pwm;
      if (cycles < 0) cycles = cpu.cycles;
      this.timelines[m].push({ us: cycles / 16, cycles, direction, pwm });
    }
  }


  timeline(motor: number): readonly MotorChange[] {
    return this.timelines[motorIndex(motor)];
  }

  state(motor: number): { direction: MotorDirection; pwm: number } {
    const c = this.current[motorIndex(motor)];
    return { direction: c.direction, pwm: c.pwm };
  }

  anyDriven(): boolean {
    return this.current.some(isDriven);
  }

  /** The 595's output register (what the firmware last latched). */
  latch(): number {
    return this.latched;
  }
}

function motorIndex(motor: number): number {
  if (!Number.isInteger(motor) || motor < 1 || motor > 4) throw new RangeError(`motor must be 1..4, got ${motor}`);
  return motor - 1;
}

type PhaseClass = 'F' | 'B' | 'R';

interface Run {
  cls: PhaseClass;
  start: number;
  end: number;
  pwm: number;
  longest: number;
}

/**
 * Splits a motor timeline into strikes: forward -> released -> back -> released. Consecutive
 * changes of the same kind (e.g. a PWM change while going forward) belong to one phase. A back
 * phase with no forward phase before it is not a strike and is skipped. `nowUs` ends the last
 * phase.
 */
export function splitStrikes(timeline: readonly MotorChange[], nowUs: number): Strike[] {
  const runs: Run[] = [];
  for (let i = 0; i < timeline.length; i++) {
    const c = timeline[i];
    const end = i + 1 < timeline.length ? timeline[i + 1].us : nowUs;
    const cls: PhaseClass = !isDriven(c) ? 'R' : c.direction === 'forward' ? 'F' : 'B';
    const len = end - c.us;
    const last = runs[runs.length - 1];
    if (last && last.cls === cls) {
      last.end = end;
      if (len > last.longest) {
        last.longest = len;
        last.pwm = c.pwm;
      }
    } else {
      runs.push({ cls, start: c.us, end, pwm: c.pwm, longest: len });
    }
  }
  const strikes: Strike[] = [];
  for (let i = 0; i < runs.length; i++) {
    const f = runs[i];
    if (f.cls !== 'F') continue;
    const s: Strike = {
      start: f.start,
      forwardUs: f.end - f.start,
      pauseUs: 0,
      backUs: 0,
      forwardPwm: f.pwm,
      backPwm: 0,
      complete: i + 1 < runs.length,
    };
    let j = i + 1;
    let pause: Run | null = null;
    if (runs[j]?.cls === 'R') {
      pause = runs[j];
      j++;
    }
    const back = runs[j];
    if (back?.cls === 'B') {
      s.pauseUs = pause ? pause.end - pause.start : 0;
      s.backUs = back.end - back.start;
      s.backPwm = back.pwm;
      s.complete = j + 1 < runs.length;
      i = j;
    } else if (pause && j >= runs.length) {
      s.complete = false; // still paused: a back phase may follow
    }
    strikes.push(s);
  }
  return strikes;
}
