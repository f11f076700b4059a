import { percentile } from '../../bench/stats';
import { SeededRandom } from '../../reservoir/reservoir-build';
import type { Microseconds, Milliseconds } from '../../../shared/units';
import { encodeHostMessage } from '../protocol/messages';
import { FrameDecoder } from '../protocol/frame-decoder';
import { decodeBoardMessage } from '../protocol/messages';
import { SerialTransport } from '../link/serial-transport';
import { expectedPhases, SimRig, sleep } from './sim-rig';

// The drum figures of the issue, measured on the real firmware in the simulator through a real
// serial port: phase timing from the motor pins, start spread of four simultaneous strikes,
// scheduled strikes under host send jitter, and the link watchdog.

const DRUMS = [0, 1, 2, 3];

/** Every phase of `rounds` strikes per drum (velocities spread 1..127) against its table. */
export async function phaseErrors(rig: SimRig, rounds: number, seed = 1): Promise<Microseconds[]> {
  const tables = await rig.tables();
  const rng = new SeededRandom(seed, 0);
  const asked = DRUMS.map(() => [] as number[]);
  const before = DRUMS.map((d) => rig.strikes(d).length);
  for (let r = 0; r < rounds; r++) {
    for (const d of DRUMS) {
      const velocity = 1 + Math.floor(rng.uniform() * 127);
      asked[d].push(velocity);
      await rig.link.strike(d, velocity);
    }
    // Longest strike (35 + 10 + 30 ms) plus the re-strike interval, with room.
    await sleep(140);
  }
  await sleep(100);
  const errors: number[] = [];
  for (const d of DRUMS) {
    const done = rig.strikes(d).slice(before[d]);
    if (done.length !== asked[d].length) throw new Error(`drum ${d}: ${asked[d].length} strikes asked, ${done.length} seen on the pins`);
    done.forEach((s, i) => {
      const e = expectedPhases(tables[d], asked[d][i]);
      errors.push(s.forwardUs - e.forwardUs, s.pauseUs - e.pauseUs, s.backUs - e.backUs);
    });
  }
  return errors;
}

/**
 * Start spread (µs) of four strikes scheduled for the same device time, `rounds` times. `waitMs`
 * must cover all four: a blocking firmware plays them one after another.
 */
export async function simultaneousSpreads(rig: SimRig, rounds: number, waitMs = 220): Promise<Microseconds[]> {
  await rig.steady();
  const spreads: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const before = DRUMS.map((d) => rig.strikes(d).length);
    const at = rig.link.toDeviceTime(rig.link.now() + 60_000);
    await Promise.all(DRUMS.map((d) => rig.link.strikeAt(d, 100, at)));
    await sleep(waitMs);
    const starts = DRUMS.map((d) => {
      const s = rig.strikes(d);
      if (s.length !== before[d] + 1) throw new Error(`drum ${d} did not strike once (${s.length - before[d]} strikes)`);
      return s[s.length - 1].start;
    });
    spreads.push(Math.max(...starts) - Math.min(...starts));
  }
  return spreads;
}

/**
 * Scheduled strikes with the host adding 0-10 ms of random delay before each send: the pin's
 * start against the device time asked for (converted to simulated time with the offset between
 * the STRUCK events and the pins).
 */
export async function scheduledErrors(rig: SimRig, count: number, seed = 2): Promise<Microseconds[]> {
  await rig.steady();
  const rng = new SeededRandom(seed, 0);
  const asked: { drum: number; at: number; index: number }[] = [];
  for (let i = 0; i < count; i++) {
    const drum = DRUMS[i % 4];
    const at = rig.link.toDeviceTime(rig.link.now() + 40_000);
    await sleep(10 * rng.uniform());
    asked.push({ drum, at, index: rig.strikes(drum).length });
    await rig.link.strikeAt(drum, 64, at);
    if (i % 4 === 3) await sleep(150);
  }
  await sleep(200);
  const { offsetUs } = rig.clockOffset();
  return asked.map((a) => {
    const s = rig.strikes(a.drum)[a.index];
    if (!s) throw new Error(`scheduled strike on drum ${a.drum} never happened`);
    // Device times wrap at 2^32 µs; differences stay small.
    return ((s.start - offsetUs - a.at) | 0) as number;
  });
}

/**
 * The link watchdog: a host that goes silent mid-strike. The last frame is a TIME_SYNC (its
 * reply says when the board handled it); the board's `link_lost` event says when it released the
 * motors, and the pins must agree. Returns ms from the last frame to the release.
 */
export async function watchdogRelease(rig: SimRig): Promise<{ releaseMs: Milliseconds; motorsReleased: boolean }> {
  await rig.link.stop();
  const port = new SerialTransport(rig.path);
  const decoder = new FrameDecoder();
  const replies: ReturnType<typeof decodeBoardMessage>[] = [];
  await port.open({ data: (bytes) => decoder.push(bytes).forEach((f) => replies.push(decodeBoardMessage(f))), closed: () => undefined });
  let seq = 0;
  const send = (m: Parameters<typeof encodeHostMessage>[0]) => port.write(encodeHostMessage(m, seq++ & 0xff));
  send({ type: 'hello', version: 1 });
  // A strike whose forward phase is still running when the watchdog fires.
  await sleep(50);
  send({ type: 'time_sync', token: 7 });
  await sleep(440);
  send({ type: 'strike', drum: 0, velocity: 127 });
  send({ type: 'time_sync', token: 8 });
  await sleep(1000);
  await port.close();
  const messages = replies.flatMap((r) => (r.ok ? [r.message] : []));
  const lastSync = messages.find((m) => m.type === 'time_reply' && m.token === 8);
  const lost = messages.find((m) => m.type === 'event' && m.kind === 'link_lost');
  if (!lastSync || lastSync.type !== 'time_reply' || !lost || lost.type !== 'event') throw new Error('no time reply or link_lost event from the board');
  return { releaseMs: ((lost.deviceTime - lastSync.deviceTime) | 0) / 1000, motorsReleased: !rig.board.anyMotorDriven() };
}

export interface DrumBenchResult {
  phaseErrorP99Us: number;
  simultaneousSpreadMs: number;
  scheduledErrorP99Us: number;
  watchdogReleaseMs: number;
  blockingSpreadMs: number;
  strikesTimed: number;
  scheduledStrikes: number;
  simultaneousRounds: number;
  simulatorSpeed: number;
}

/** All the figures, on the non-blocking firmware and (spread only) the blocking one. */
export async function benchDrums(hex: string, blockingHex: string, o = { rounds: 25, scheduled: 100, simultaneous: 20 }): Promise<DrumBenchResult> {
  const rig = await SimRig.start(hex);
  try {
    const started = { wall: performance.now(), sim: rig.board.nowMicros() };
    const phases = await phaseErrors(rig, o.rounds);
    const spreads = await simultaneousSpreads(rig, o.simultaneous);
    const scheduled = await scheduledErrors(rig, o.scheduled);
    const speed = (rig.board.nowMicros() - started.sim) / 1000 / (performance.now() - started.wall);
    const watchdog = await watchdogRelease(rig);
    const blocking = await SimRig.start(blockingHex);
    let blockingSpread: number;
    try {
      blockingSpread = Math.max(...(await simultaneousSpreads(blocking, 3, 500)));
    } finally {
      await blocking.stop();
    }
    return {
      phaseErrorP99Us: percentile(phases.map(Math.abs), 99),
      simultaneousSpreadMs: Math.max(...spreads) / 1000,
      scheduledErrorP99Us: percentile(scheduled.map(Math.abs), 99),
      watchdogReleaseMs: watchdog.releaseMs,
      blockingSpreadMs: blockingSpread / 1000,
      strikesTimed: phases.length / 3,
      scheduledStrikes: scheduled.length,
      simultaneousRounds: spreads.length,
      simulatorSpeed: speed,
    };
  } finally {
    await rig.stop();
  }
}
