// A simulated Arduino Uno (ATmega328P, 16 MHz) running a real compiled .hex inside Node with
// avr8js, with a motor shield v1 decoded from its pins. A development tool for tests and the
// drum benchmark: the firmware under test sees its timers, USART0, ports B/C/D, EEPROM, ADC and
// watchdog; the host sees a byte stream (or a real pty) and a timeline of motor changes stamped
// in simulated time.
//
//   const board = AvrBoard.fromHexFile('build/firmware/axon_drums.hex');
//   const path = await board.attachPty(); // a host driver opens `path` like /dev/ttyACM0
//                                         // ({ link }: at a path of your choosing, which outlives
//                                         // detachPty(), the cable pulled, and a later attachPty())
//   board.start();                        // simulated time follows the wall clock
//   ...                                   // the driver plays; then:
//   await board.stop();
//   board.strikes(1);                     // [{ start, forwardUs, pauseUs, backUs, ... }]
//
// Or without a pty, as fast as the CPU allows: board.writeSerial(bytes), board.onSerialData(cb),
// board.runFor(micros) / board.runUntil(() => done, maxMicros).
import { readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  AVRADC,
  AVRClock,
  AVREEPROM,
  AVRIOPort,
  AVRTimer,
  AVRUSART,
  AVRWatchdog,
  CPU,
  EEPROMMemoryBackend,
  adcConfig,
  avrInstruction,
  portBConfig,
  portCConfig,
  portDConfig,
  timer0Config,
  timer1Config,
  timer2Config,
  usart0Config,
  watchdogConfig,
} from 'avr8js';
import { SerialPort } from 'serialport';
import { parseIntelHex } from './intel-hex';
import { MotorShieldV1, splitStrikes, type MotorChange, type MotorDirection, type Strike } from './motor-shield-v1';
import { openPtyPair, type PtyPair } from './pty-pair';

export type { MotorChange, MotorDirection, Strike } from './motor-shield-v1';

// Bound once: through a transpiled import every call would go through the CommonJS export
// getter, once per simulated instruction.
const step: (cpu: CPU) => void = avrInstruction;

export const CPU_HZ = 16_000_000;
const CYCLES_PER_US = CPU_HZ / 1e6;
const FLASH_BYTES = 32 * 1024;
const EEPROM_BYTES = 1024;
const SRAM_BYTES = 2048;
const IO_END = 0x100; // registers and I/O end here; SRAM starts
/** Host -> board: 10 bits (start, 8 data, stop) per byte at 115200 baud = 86.8 µs. */
const HOST_BAUD = 115200;
const CYCLES_PER_HOST_BYTE = (CPU_HZ * 10) / HOST_BAUD;
/** Real-time pacing: one slice of simulation per timer tick at most this long. */
const SLICE_CYCLES = 16_000; // 1 ms
/** Wall time one pacing tick may spend simulating before it yields to the event loop. */
const MAX_TICK_WALL_MS = 10;
/** Behind real time by more than this, the simulation gives up catching up (and counts it). */
const MAX_LAG_CYCLES = 200 * 16_000;
/** Pacing ticks remembered for wallTimeOf(): about 8 s at one tick per millisecond. */
const TRACE_TICKS = 8192;

// ATmega328P registers the harness touches directly.
const MCUSR = 0x54;
const WDTCSR = 0x60;
const UCSR0A = 0xc0;
const UDR0 = 0xc6;
const UCSRA_RXC = 0x80;
const UCSRA_DOR = 0x08;
const WDCE = 0x10;
const WDE = 0x08;

export type ResetCause = 'power-on' | 'external' | 'brown-out' | 'watchdog';
const MCUSR_BIT: Record<ResetCause, number> = { 'power-on': 0x01, external: 0x02, 'brown-out': 0x04, watchdog: 0x08 };

export interface AvrBoardOptions {
  /** Initial EEPROM contents (1024 bytes at most; the rest stays erased, 0xFF). */
  eeprom?: Uint8Array;
  /** Names the image in error messages. */
  name?: string;
}

export interface RunResult {
  simMicros: number;
  wallMs: number;
  /** Simulated time / wall time. */
  speed: number;
}

export interface BoardStats {
  /** Resets after power-on, by any cause. */
  resets: number;
  watchdogResets: number;
  /** Host bytes lost because the firmware did not read the USART in time (data overrun). */
  rxOverruns: number;
  /** Host bytes that arrived while the receiver was disabled (e.g. during boot). */
  rxDropped: number;
  /** Bytes the firmware transmitted. */
  txBytes: number;
  /** Real-time pacing: simulated µs given up because the simulation could not keep up. */
  lagDroppedMicros: number;
}

export type SerialListener = (bytes: Uint8Array, simMicros: number) => void;

interface Peripherals {
  cpu: CPU;
  usart: AVRUSART;
}

export class AvrBoard {
  readonly name: string;
  private readonly progMem: Uint16Array;
  private readonly eepromBackend = new EEPROMMemoryBackend(EEPROM_BYTES);
  private readonly shield: MotorShieldV1;
  private cpu!: CPU;
  private usart!: AVRUSART;

  // Host -> board: bytes on the line with their arrival cycle, plus the USART's receive FIFO
  // beyond avr8js's single UDR (the ATmega328P holds two received bytes and one in the shift
  // register before it overruns).
  private readonly rxLine: { byte: number; at: number }[] = [];
  private lineFreeAt = 0;
  private readonly rxFifo: number[] = [];
  private rxEventScheduled = false;

  // Board -> host.
  private txPending: number[] = [];
  private txLastDone = 0;
  private readonly serialListeners = new Set<SerialListener>();

  private sliceEnd = 0;
  private inSlice = false;
  private resetRequest: ResetCause | null = null;

  private pacing: { timer: NodeJS.Timeout | null; wallStart: number; cycleStart: number } | null = null;
  /** (simulated µs, performance.now() ms) at the end of each pacing tick, a ring of TRACE_TICKS. */
  private readonly trace = new Float64Array(2 * TRACE_TICKS);
  private traceCount = 0;
  private pty: { pair: PtyPair; port: SerialPort; unlisten: () => void; link: string | null } | null = null;
  /** Cycles at which the last host byte, and the last zero byte (a frame's end), reached the USART; -1 before any. */
  private lastRxCycles = -1;
  private lastRxZeroCycles = -1;
  private readonly counters: BoardStats = {
    resets: 0,
    watchdogResets: 0,
    rxOverruns: 0,
    rxDropped: 0,
    txBytes: 0,
    lagDroppedMicros: 0,
  };

  /** Loads an Intel HEX file (as written by avr-objcopy or the Arduino tools). */
  static fromHexFile(path: string, options: AvrBoardOptions = {}): AvrBoard {
    const text = readFileSync(path, 'utf8');
    return AvrBoard.fromHexText(text, { name: path, ...options });
  }

  static fromHexText(text: string, options: AvrBoardOptions = {}): AvrBoard {
    const image = parseIntelHex(text, FLASH_BYTES, options.name ?? 'HEX image');
    return new AvrBoard(image.bytes, options);
  }

  /** `flash`: the flash image, at most 32 KiB. Boots (power-on) at simulated time 0. */
  constructor(flash: Uint8Array, options: AvrBoardOptions = {}) {
    this.name = options.name ?? 'AVR board';
    if (flash.length > FLASH_BYTES) throw new Error(`${this.name}: image of ${flash.length} bytes does not fit 32 KiB of flash`);
    const bytes = new Uint8Array(FLASH_BYTES).fill(0xff);
    bytes.set(flash);
    this.progMem = new Uint16Array(bytes.buffer);
    if (options.eeprom) {
      if (options.eeprom.length > EEPROM_BYTES) throw new Error(`${this.name}: EEPROM image larger than ${EEPROM_BYTES} bytes`);
      this.eepromBackend.memory.set(options.eeprom);
    }
    this.shield = new MotorShieldV1();
    this.boot('power-on', 0, null);
  }

  // ---- time ----------------------------------------------------------------------------

  /** Simulated time since power-on, µs (cycles / 16; keeps counting across resets). */
  nowMicros(): number {
    return this.cpu.cycles / CYCLES_PER_US;
  }

  nowCycles(): number {
    return this.cpu.cycles;
  }

  /** Runs as fast as possible for `micros` of simulated time. Not while paced in real time. */
  runFor(micros: number): RunResult {
    if (this.pacing) throw new Error('runFor() while the board runs in real time: call stop() first');
    const t0 = performance.now();
    const c0 = this.cpu.cycles;
    this.runToCycle(c0 + Math.round(micros * CYCLES_PER_US));
    const wallMs = performance.now() - t0;
    const simMicros = (this.cpu.cycles - c0) / CYCLES_PER_US;
    return { simMicros, wallMs, speed: simMicros / 1000 / Math.max(wallMs, 1e-6) };
  }

  /**
   * Runs as fast as possible until `done()` holds (checked after every 1 ms slice, after serial
   * listeners ran) or `maxMicros` passed. Returns whether `done()` held.
   */
  runUntil(done: () => boolean, maxMicros: number): boolean {
    if (this.pacing) throw new Error('runUntil() while the board runs in real time: call stop() first');
    const limit = this.cpu.cycles + Math.round(maxMicros * CYCLES_PER_US);
    while (!done()) {
      if (this.cpu.cycles >= limit) return false;
      this.runToCycle(Math.min(limit, this.cpu.cycles + SLICE_CYCLES));
    }
    return true;
  }

  /** Starts running in real time: simulated time follows the wall clock from now on. */
  start(): void {
    if (this.pacing) return;
    this.pacing = { timer: null, wallStart: performance.now(), cycleStart: this.cpu.cycles };
    this.paceTick();
  }

  get running(): boolean {
    return this.pacing !== null;
  }

  /** Stops real-time pacing and closes the pty bridge (and its socat). */
  async stop(): Promise<void> {
    if (this.pacing?.timer) clearTimeout(this.pacing.timer);
    this.pacing = null;
    await this.detachPty();
  }

  private paceTick = (): void => {
    const p = this.pacing;
    if (!p) return;
    p.timer = null;
    const tickStart = performance.now();
    let target = p.cycleStart + (tickStart - p.wallStart) * 1000 * CYCLES_PER_US;
    if (target - this.cpu.cycles > MAX_LAG_CYCLES) {
      const give = target - this.cpu.cycles - MAX_LAG_CYCLES;
      p.cycleStart -= give;
      target -= give;
      this.counters.lagDroppedMicros += give / CYCLES_PER_US;
    }
    while (this.cpu.cycles < target && this.pacing === p) {
      this.runToCycle(Math.min(target, this.cpu.cycles + SLICE_CYCLES));
      if (performance.now() - tickStart > MAX_TICK_WALL_MS) break;
    }
    if (this.pacing !== p) return; // stopped by a listener
    this.traceTick();
    // Still behind: come back right after pending I/O; else wait for the clock to move on.
    const behind = this.cpu.cycles < target;
    p.timer = behind ? setTimeout(this.paceTick, 0) : setTimeout(this.paceTick, 1);
  };

  private traceTick(): void {
    const at = (this.traceCount % TRACE_TICKS) * 2;
    this.trace[at] = this.nowMicros();
    this.trace[at + 1] = performance.now();
    this.traceCount++;
  }

  /**
   * When (performance.now() ms) the simulation, running in real time, reached simulated time
   * `micros`: interpolated between the pacing ticks around it, so a simulation that fell behind
   * the wall clock (a loaded machine) is placed when it really got there, as a late board would
   * be. Before the ticks remembered it counts back at real-time pace; null when the simulation has
   * not got there yet or never ran in real time.
   */
  wallTimeOf(micros: number): number | null {
    const n = Math.min(this.traceCount, TRACE_TICKS);
    if (n === 0) return null;
    const first = this.traceCount - n;
    const us = (k: number) => this.trace[((first + k) % TRACE_TICKS) * 2];
    const wall = (k: number) => this.trace[((first + k) % TRACE_TICKS) * 2 + 1];
    if (micros > us(n - 1)) return null;
    if (micros <= us(0)) return wall(0) - (us(0) - micros) / 1000;
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (us(mid) < micros) lo = mid;
      else hi = mid;
    }
    const span = us(hi) - us(lo);
    return span > 0 ? wall(lo) + ((wall(hi) - wall(lo)) * (micros - us(lo))) / span : wall(hi);
  }

  /** Pacing statistics: simulated vs wall time since start(). */
  pacingInfo(): { wallMs: number; simMicros: number } | null {
    const p = this.pacing;
    if (!p) return null;
    return { wallMs: performance.now() - p.wallStart, simMicros: (this.cpu.cycles - p.cycleStart) / CYCLES_PER_US };
  }

  // ---- execution -------------------------------------------------------------------------

  private runToCycle(target: number): void {
    while (this.cpu.cycles < target) {
      this.inSlice = true;
      // At most 1 ms per slice, so serial output reaches listeners in 1 ms batches.
      this.sliceEnd = Math.min(target, this.cpu.cycles + SLICE_CYCLES);
      const cpu = this.cpu;
      // The hot loop: sliceEnd drops to 0 when the watchdog resets the chip mid-slice.
      while (cpu.cycles < this.sliceEnd) {
        step(cpu);
        cpu.tick();
      }
      this.inSlice = false;
      this.flushTx();
      if (this.resetRequest) {
        const cause = this.resetRequest;
        this.resetRequest = null;
        this.hardReset(cause);
      }
    }
  }

  // ---- reset -----------------------------------------------------------------------------

  /**
   * The reset button (or a brown-out, or a power cycle): the MCU restarts from a clean register
   * state with the same flash and EEPROM, MCUSR tells the cause, the serial link stays up.
   * 'power-on' also clears SRAM and the shield's 595; other causes keep SRAM, as the chip does.
   */
  reset(cause: Exclude<ResetCause, 'watchdog'> = 'external'): void {
    if (this.inSlice) {
      this.resetRequest = cause;
      this.sliceEnd = 0;
      return;
    }
    this.hardReset(cause);
  }

  private hardReset(cause: ResetCause): void {
    this.counters.resets++;
    if (cause === 'watchdog') this.counters.watchdogResets++;
    this.flushTx();
    this.boot(cause, this.cpu.cycles, this.cpu);
  }

  private boot(cause: ResetCause, cycles: number, old: CPU | null): void {
    const cpu = new CPU(this.progMem, SRAM_BYTES);
    cpu.cycles = cycles;
    if (old && cause !== 'power-on') cpu.data.set(old.data.subarray(IO_END), IO_END);
    // MCUSR flags accumulate until the firmware clears them; power-on clears the others.
    cpu.data[MCUSR] = cause === 'power-on' ? MCUSR_BIT['power-on'] : (old ? old.data[MCUSR] : 0) | MCUSR_BIT[cause];
    if (cause === 'power-on') this.shield.powerOff();

    const { usart } = this.attachPeripherals(cpu);
    this.cpu = cpu;
    this.usart = usart;

    // avr8js's watchdog only resets PC and SP: catch its reset and redo the whole chip.
    cpu.reset = () => {
      this.resetRequest = 'watchdog';
      this.sliceEnd = 0;
    };
    if (cause === 'watchdog') {
      // After a watchdog reset WDRF forces WDE on, with the shortest timeout (16 ms): firmware
      // must clear MCUSR and disable the watchdog early, as on the chip. Timed write sequence.
      cpu.writeData(WDTCSR, WDCE | WDE);
      cpu.writeData(WDTCSR, WDE);
    }
    this.rxFifo.length = 0;
    this.rxEventScheduled = false;
    this.scheduleRx();
  }

  private attachPeripherals(cpu: CPU): Peripherals {
    const clock = new AVRClock(cpu, CPU_HZ);
    new AVRTimer(cpu, timer0Config);
    new AVRTimer(cpu, timer1Config);
    new AVRTimer(cpu, timer2Config);
    const portB = new AVRIOPort(cpu, portBConfig);
    new AVRIOPort(cpu, portCConfig);
    const portD = new AVRIOPort(cpu, portDConfig);
    new AVREEPROM(cpu, this.eepromBackend);
    new AVRWatchdog(cpu, watchdogConfig, clock);
    // An ADC so analogRead() in a firmware completes instead of spinning forever.
    new AVRADC(cpu, adcConfig);
    const usart = new AVRUSART(cpu, usart0Config, CPU_HZ);
    usart.onByteTransmit = (b) => {
      this.txPending.push(b);
      // The byte is on the host's side once its stop bit is out, one character time later.
      const symbols = 1 + usart.bitsPerChar + usart.stopBits + (usart.parityEnabled ? 1 : 0);
      this.txLastDone = cpu.cycles + (symbols * CPU_HZ) / Math.max(usart.baudRate, 1);
    };
    const readUdr = cpu.readHooks[UDR0];
    cpu.readHooks[UDR0] = (addr) => {
      const value = readUdr(addr);
      cpu.data[UCSR0A] &= ~UCSRA_DOR;
      // The next byte of the receive FIFO moves into UDR0.
      const next = this.rxFifo.shift();
      if (next !== undefined) usart.writeByte(next, true);
      return value;
    };
    this.shield.attach(cpu, portB, portD);
    return { cpu, usart };
  }

  // ---- serial ----------------------------------------------------------------------------

  /** Subscribes to bytes the firmware transmits (batched per 1 ms slice). Returns an unsubscribe. */
  onSerialData(listener: SerialListener): () => void {
    this.serialListeners.add(listener);
    return () => this.serialListeners.delete(listener);
  }

  /**
   * Sends bytes to the firmware's USART receiver as a host at 115200 baud would: queued on the
   * line, one byte completing every 86.8 µs of simulated time, starting now.
   */
  writeSerial(bytes: Uint8Array | readonly number[]): void {
    const now = this.cpu.cycles;
    for (const b of bytes) {
      const at = Math.max(now, this.lineFreeAt) + CYCLES_PER_HOST_BYTE;
      this.lineFreeAt = at;
      this.rxLine.push({ byte: b & 0xff, at });
    }
    this.scheduleRx();
  }

  /** Bytes still on the line to the firmware. */
  get serialBacklog(): number {
    return this.rxLine.length;
  }

  private scheduleRx(): void {
    if (this.rxEventScheduled || this.rxLine.length === 0) return;
    this.rxEventScheduled = true;
    this.cpu.addClockEvent(this.rxArrive, Math.max(1, Math.ceil(this.rxLine[0].at - this.cpu.cycles)));
  }

  private rxArrive = (): void => {
    this.rxEventScheduled = false;
    while (this.rxLine.length > 0 && this.rxLine[0].at <= this.cpu.cycles) {
      const { byte, at } = this.rxLine.shift()!;
      this.lastRxCycles = at;
      if (byte === 0) this.lastRxZeroCycles = at;
      this.receive(byte);
    }
    this.scheduleRx();
  };

  private receive(byte: number): void {
    const { cpu, usart } = this;
    if (!usart.rxEnable) {
      this.counters.rxDropped++;
      return;
    }
    if (!(cpu.data[UCSR0A] & UCSRA_RXC) && this.rxFifo.length === 0) {
      usart.writeByte(byte, true);
    } else if (this.rxFifo.length < 2) {
      this.rxFifo.push(byte);
    } else {
      this.counters.rxOverruns++;
      cpu.data[UCSR0A] |= UCSRA_DOR;
    }
  }

  /**
   * When (simulated µs) the last byte from the host reached the USART, and the last zero byte
   * (a frame's delimiter: the end of the last frame the firmware got); null before any.
   */
  lastReceived(): { byteUs: number | null; frameEndUs: number | null } {
    const us = (cycles: number) => (cycles < 0 ? null : cycles / CYCLES_PER_US);
    return { byteUs: us(this.lastRxCycles), frameEndUs: us(this.lastRxZeroCycles) };
  }

  private flushTx(): void {
    if (this.txPending.length === 0) return;
    const bytes = Uint8Array.from(this.txPending);
    this.txPending = [];
    this.counters.txBytes += bytes.length;
    const at = this.txLastDone / CYCLES_PER_US;
    for (const listener of this.serialListeners) listener(bytes, at);
  }

  /**
   * Opens a pty pair with socat, connects one end to the USART and returns the other end's path
   * for a host driver (which opens it like a USB serial port). socat is stopped by stop().
   * Note: opening a serial port flushes its input, so bytes sent before the host opened its
   * end (a boot frame) are lost; reset() after the host opened re-sends them, like the DTR
   * reset of a real Uno.
   *
   * `link`: the host's end is (also) reached through a symlink at this path, made once the
   * board's end is open and removed by detachPty(): a port path that stays the same across
   * detachPty() and attachPty(), as a USB board's does when its cable is pulled and plugged back.
   * Returns `link` then.
   */
  async attachPty(options: { link?: string } = {}): Promise<string> {
    if (this.pty) return this.pty.link ?? this.pty.pair.hostPath;
    const link = options.link ?? null;
    const pair = await openPtyPair();
    const port = new SerialPort({ path: pair.boardPath, baudRate: HOST_BAUD, autoOpen: false });
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (err) {
      await pair.close();
      throw new Error(`cannot open the board's end of the pty pair (${pair.boardPath}): ${err instanceof Error ? err.message : String(err)}`);
    }
    port.on('data', (chunk: Buffer) => this.writeSerial(chunk));
    // Errors after setup (e.g. the host side vanishing) must not crash the process.
    port.on('error', () => {});
    const unlisten = this.onSerialData((bytes) => {
      if (port.isOpen) port.write(Buffer.from(bytes));
    });
    this.pty = { pair, port, unlisten, link };
    if (link) {
      try {
        // Made beside it and renamed over it: the path never points nowhere while it is replaced.
        const temp = `${link}.${process.pid}.tmp`;
        rmSync(temp, { force: true });
        symlinkSync(pair.hostPath, temp);
        renameSync(temp, link);
      } catch (err) {
        await this.detachPty();
        throw new Error(`cannot link ${link} to the pty ${pair.hostPath}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return link ?? pair.hostPath;
  }

  /**
   * The USB cable pulled: the pty pair goes away (socat killed, the host's port and the link of
   * attachPty({ link }) with it) while the firmware runs on, hearing nothing more. attachPty()
   * plugs it back. stop() does this too; safe when no pty is attached.
   */
  async detachPty(): Promise<void> {
    const pty = this.pty;
    this.pty = null;
    if (!pty) return;
    pty.unlisten();
    if (pty.link) {
      try {
        if (readlinkSync(pty.link) === pty.pair.hostPath) unlinkSync(pty.link);
      } catch {
        // Gone already, or replaced by someone else's: not ours to remove.
      }
    }
    await pty.pair.close();
    if (pty.port.isOpen) await new Promise<void>((done) => pty.port.close(() => done()));
  }

  // ---- motors, EEPROM, stats -------------------------------------------------------------

  /** Every change of a motor's (direction, PWM), oldest first; starts with release/0 at 0 µs. */
  motorTimeline(motor: number): readonly MotorChange[] {
    return this.shield.timeline(motor);
  }

  motorState(motor: number): { direction: MotorDirection; pwm: number } {
    return this.shield.state(motor);
  }

  /** The motor's timeline as strikes (forward -> released -> back -> released). */
  strikes(motor: number): Strike[] {
    return splitStrikes(this.shield.timeline(motor), this.nowMicros());
  }

  /** Whether any motor is driven now (forward or back with a nonzero enable). */
  anyMotorDriven(): boolean {
    return this.shield.anyDriven();
  }

  /** The shield's 74HC595 output register. */
  shieldLatch(): number {
    return this.shield.latch();
  }

  /** The EEPROM, live (1024 bytes; survives reset()). */
  get eeprom(): Uint8Array {
    return this.eepromBackend.memory;
  }

  stats(): BoardStats {
    return { ...this.counters };
  }
}
