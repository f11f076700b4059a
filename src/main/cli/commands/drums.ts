import { existsSync } from 'node:fs';
import { axonError } from '../../../shared/errors';
import { AudioInput } from '../../audio-in/audio-input';
import { benchDrums } from '../../drums/bench/drum-bench';
import { saveCalibration } from '../../drums/calibration/save';
import type { Ear } from '../../drums/calibration/live-strike-rig';
import { runCalibration } from '../../drums/calibration/run-calibration';
import { DEFAULT_SWEEP } from '../../drums/calibration/sweep';
import { CALIBRATION_REPEATS, CALIBRATION_REPEATS_MAX } from '../../../shared/drum-table';
import { readOrNewProfile, type DrumProfile } from '../../drums/profile';
import { firmwareImage } from '../../drums/firmware/firmware-image';
import { findDrumPorts } from '../../drums/link/discovery';
import { DrumLink } from '../../drums/link/link';
import { SerialTransport } from '../../drums/link/serial-transport';
import { waitConnected } from '../../drums/link/wait-connected';
import { VELOCITY_MAX, VELOCITY_MIN, type ResetCauseName } from '../../drums/protocol/constants';
import { AvrBoard } from '../../drums/simulator/avr-board';
import { fullPushUs, MODEL_KIT, reachMs, type ModelDrum } from '../../drums/simulator/model-drum';
import { SimulatedDrums } from '../../drums/simulator/simulated-drums';
import { numberFlag, parseFlags } from '../args';
import { stdio, type Command } from '../command';

/** Boot banner (3 s) plus the handshake, with room. */
const CONNECT_TIMEOUT_MS = 6000;
/** The longest strike a table allows (three phases of 60 ms) plus room: a test strike ends before the link's ALL_STOP. */
const STRIKE_SETTLE_MS = 250;

const ACTIONS = ['list', 'status', 'strike', 'calibrate', 'bench', 'simulate'] as const;

async function portFor(given: string | undefined): Promise<string> {
  // Fail at once rather than after the connect timeout (Windows' COM ports are not files).
  if (given !== undefined && process.platform !== 'win32' && !existsSync(given)) throw axonError('drum_port_open', given, 'no such device');
  const { ports, error } = await findDrumPorts({ explicitPath: given });
  if (error) throw error;
  if (ports.length === 0) throw axonError('drum_no_board');
  if (ports.length > 1) stdio.err(`several drum boards found; using ${ports[0].path} (choose with --port)`);
  return ports[0].path;
}

/** Runs `work` on a connected board; `resetCauses` is null when the board's BOOT was missed (it did not reset on open). */
async function withBoard<T>(given: string | undefined, work: (link: DrumLink, path: string, resetCauses: ResetCauseName[] | null) => Promise<T>): Promise<T> {
  const path = await portFor(given);
  const link = new DrumLink(new SerialTransport(path));
  let causes: ResetCauseName[] | null = null;
  link.on('state', (s) => {
    if (s.state === 'connected') causes = s.resetCauses;
  });
  link.start();
  try {
    await waitConnected(link, path, CONNECT_TIMEOUT_MS);
    return await work(link, path, causes);
  } finally {
    await link.stop();
  }
}

async function list(json: boolean): Promise<number> {
  const { ports, error } = await findDrumPorts();
  if (error) throw error;
  if (json) stdio.out(JSON.stringify({ ports }));
  else if (ports.length === 0) stdio.out('no drum boards found (ptys and unknown USB chips are not listed; give --port)');
  else for (const p of ports) stdio.out([p.path, p.kind, p.manufacturer, p.serialNumber].filter(Boolean).join('  '));
  return 0;
}

async function status(port: string | undefined, json: boolean): Promise<number> {
  return withBoard(port, async (link, path, resetCauses) => {
    const board = link.board;
    const s = await link.status();
    const clock = link.clock;
    if (json) {
      stdio.out(JSON.stringify({ port: path, board, resetCauses, status: s, clock }));
      return 0;
    }
    if (board) {
      const f = board.firmware;
      stdio.out(`${path}: firmware ${f.major}.${f.minor}.${f.patch}, protocol ${board.protocol}, shield v${board.shield}, ${board.drums} drums`);
      if (resetCauses) stdio.out(`last reset: ${resetCauses.join(', ') || 'cause unknown'}`);
      stdio.out(`limits: phase ${board.maxPhaseMs} ms, duty ${board.dutyBudgetMs} ms per ${board.dutyWindowMs} ms, queue ${board.queueSize}`);
    }
    stdio.out(`uptime ${(s.uptimeMs / 1000).toFixed(1)} s, tables ${s.tablesFromDefaults ? 'defaults' : 'from EEPROM'}${s.eepromBusy ? ', saving' : ''}, ${s.queued} queued`);
    s.drums.slice(0, board?.drums ?? s.drums.length).forEach((d, i) => stdio.out(`drum ${i}: ${d.state}, duty used ${d.dutyUsedMs} ms`));
    const c = s.counters;
    stdio.out(`frames ok ${c.framesOk}; dropped: cobs ${c.cobs}, crc ${c.crc}, overflow ${c.overflow}, short ${c.short}; refused ${c.refused}`);
    if (clock) stdio.out(`clock: offset known to ±${Math.round(clock.uncertaintyUs)} µs, rate ${clock.ratePpm.toFixed(0)} ppm`);
    return 0;
  });
}

async function strike(drumRaw: string | undefined, velocityRaw: string | undefined, port: string | undefined): Promise<number> {
  const drum = numberFlag('drum', drumRaw, 0, 0, 15, true);
  const velocity = numberFlag('velocity', velocityRaw, 100, VELOCITY_MIN, VELOCITY_MAX, true);
  return withBoard(port, async (link, path) => {
    const drums = link.board?.drums ?? 0;
    if (drum >= drums) throw axonError('cli_usage', `the board on ${path} has drums 0-${drums - 1}, not ${drum}`);
    await link.strike(drum, velocity);
    await new Promise((resolve) => setTimeout(resolve, STRIKE_SETTLE_MS));
    stdio.out(`drum ${drum} struck at velocity ${velocity}`);
    return 0;
  });
}

interface CalibrateOptions {
  port: string | undefined;
  audioIn: string | undefined;
  channel: number;
  save: string | undefined;
  json: boolean;
  simulate: boolean;
  /** Strikes per measurement (their median counts). */
  repeats: number;
}

/**
 * The automatic sweep on a real drum, heard through the audio input (a microphone at the drum),
 * or with --simulate on the simulated board's model drum, heard by its model microphone: the
 * same calibration, only the ear differs. Without --save the board gets its old table back at
 * the end: a trial changes nothing.
 */
async function calibrate(drumRaw: string, o: CalibrateOptions): Promise<number> {
  const drum = numberFlag('drum', drumRaw, 0, 0, 15, true);
  // A bad profile name or a damaged profile file fails before anything strikes.
  const profile = o.save === undefined ? null : readOrNewProfile(o.save);
  if (o.simulate) {
    const sim = await SimulatedDrums.start();
    try {
      return await withBoard(sim.port, (link, path) => calibrateOn(link, path, drum, { ear: sim.microphone, name: sim.name, model: MODEL_KIT[drum] ?? null }, profile, o));
    } finally {
      await sim.stop();
    }
  }
  return withBoard(o.port, async (link, path) => {
    const input = new AudioInput({ device: o.audioIn, channel: o.channel });
    try {
      await input.open();
      return await calibrateOn(link, path, drum, { ear: input, name: `${input.status.device} channel ${o.channel}`, model: null }, profile, o);
    } finally {
      await input.close();
    }
  });
}

async function calibrateOn(link: DrumLink, path: string, drum: number, ear: { ear: Ear; name: string; model: ModelDrum | null }, profile: DrumProfile | null, o: CalibrateOptions): Promise<number> {
  const drums = link.board?.drums ?? 0;
  if (drum >= drums) throw axonError('cli_usage', `the board on ${path} has drums 0-${drums - 1}, not ${drum}`);
  if (!o.json) stdio.out(`listening with ${ear.name}; calibrating drum ${drum} (keep the room quiet)`);
  const { before, result } = await runCalibration(link, ear.ear, drum, { sweep: { ...DEFAULT_SWEEP, repeats: o.repeats } });
  try {
    if (profile) await saveCalibration(link, profile, drum, result);
    else await link.setTable(drum, before);
  } catch (err) {
    await link.setTable(drum, before).catch(() => undefined);
    throw err;
  }
  // With the model drum, what the calibration should have found: its full push and its travel (the serial hop comes on top).
  const model = ear.model;
  const truth = model ? result.table.points.map((p) => ({ velocity: p.velocity, forwardUs: Math.round(fullPushUs(model, p.forwardPwm)), reachMs: Math.round(reachMs(model, p.forwardPwm) * 10) / 10 })) : null;
  if (o.json) stdio.out(JSON.stringify({ drum, table: result.table, latency: result.latency, saved: o.save ?? null, ...(truth ? { model: truth } : {}) }));
  else {
    for (const [i, p] of result.table.points.entries()) {
      const t = truth?.[i];
      const vs = t ? ` (model: full push ${(t.forwardUs / 1000).toFixed(1)} ms, travel ${t.reachMs} ms)` : '';
      stdio.out(`  velocity ${String(p.velocity).padStart(3)}: push ${(p.forwardUs / 1000).toFixed(1)} ms (was ${(before.points[i].forwardUs / 1000).toFixed(1)}), latency ${result.latency[i].ms} ms${vs}`);
    }
    stdio.out(profile ? `saved to profile "${profile.name}" and the board` : 'not saved (the board has its old table back; add --save <profile> to keep it)');
  }
  return 0;
}

async function bench(json: boolean, rounds: number): Promise<number> {
  const hex = firmwareImage('axon_drums');
  const blockingHex = firmwareImage('axon_drums-blocking');
  const r = await benchDrums(hex, blockingHex, { rounds, scheduled: 4 * rounds, simultaneous: Math.max(4, Math.round(rounds * 0.8)) });
  if (json) {
    stdio.out(JSON.stringify(r));
    return 0;
  }
  stdio.out(`phase duration error p99      ${r.phaseErrorP99Us.toFixed(1)} µs  (${r.strikesTimed} strikes, target <= 50)`);
  stdio.out(`simultaneous start spread     ${r.simultaneousSpreadMs.toFixed(3)} ms  (${r.simultaneousRounds} rounds of 4, target <= 1)`);
  stdio.out(`scheduled hit error p99       ${r.scheduledErrorP99Us.toFixed(1)} µs  (${r.scheduledStrikes} strikes, 0-10 ms send jitter, target <= 200)`);
  stdio.out(`link watchdog release         ${r.watchdogReleaseMs.toFixed(1)} ms  (target <= 600)`);
  stdio.out(`blocking firmware spread      ${r.blockingSpreadMs.toFixed(1)} ms`);
  stdio.out(`simulator pace                ${r.simulatorSpeed.toFixed(3)}x real time`);
  return 0;
}

/** The firmware in the simulator behind a pty, until interrupted: a drum board to try the app with. */
async function simulate(shield: number): Promise<number> {
  const board = AvrBoard.fromHexFile(firmwareImage(shield === 2 ? 'axon_drums-v2' : 'axon_drums'));
  const path = await board.attachPty();
  board.start();
  stdio.out(`simulated drum board (shield v${shield}) on ${path}; connect with --port ${path}; Ctrl-C stops it`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await board.stop();
  return 0;
}

export const drums: Command = {
  name: 'drums',
  summary: 'robot drum board: list ports, status, test strike, calibrate with a microphone, timing bench, simulated board',
  usage:
    `axon drums list [--json] | status [--port <path>] [--json] | strike <drum> [--velocity <1-127>] [--port <path>] | calibrate <drum> [--port <path>] [--audio-in <device>] [--audio-in-channel <n>] [--simulate] [--repeats <1-${CALIBRATION_REPEATS_MAX}>] [--save <profile>] [--json] | bench [--json] [--rounds <n>] | simulate [--shield 1|2]`,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        port: { type: 'string' },
        velocity: { type: 'string' },
        rounds: { type: 'string' },
        shield: { type: 'string' },
        'audio-in': { type: 'string' },
        'audio-in-channel': { type: 'string' },
        save: { type: 'string' },
        simulate: { type: 'boolean' },
        repeats: { type: 'string' },
        json: { type: 'boolean' },
      },
      { min: 1, max: 2, names: `what to do (${ACTIONS.join(', ')})` },
    );
    const [action, drum] = positionals;
    const json = values.json ?? false;
    const allowed: Record<(typeof ACTIONS)[number], readonly string[]> = {
      list: ['json'],
      status: ['port', 'json'],
      strike: ['port', 'velocity'],
      calibrate: ['port', 'audio-in', 'audio-in-channel', 'simulate', 'repeats', 'save', 'json'],
      bench: ['json', 'rounds'],
      simulate: ['shield'],
    };
    if (!(ACTIONS as readonly string[]).includes(action)) throw axonError('cli_usage', `unknown drums action "${action}" (one of ${ACTIONS.join(', ')})`);
    const act = action as (typeof ACTIONS)[number];
    const stray = Object.keys(values).find((k) => !allowed[act].includes(k));
    if (stray) throw axonError('cli_usage', `--${stray} does not apply to "drums ${act}"`);
    if (act !== 'strike' && act !== 'calibrate' && drum !== undefined) throw axonError('cli_usage', `unexpected argument "${drum}"`);
    if (values.port !== undefined && values.port.trim() === '') throw axonError('cli_usage', '--port needs a serial port path');
    switch (act) {
      case 'list':
        return list(json);
      case 'status':
        return status(values.port, json);
      case 'strike':
        if (drum === undefined) throw axonError('cli_usage', 'missing the drum number');
        return strike(drum, values.velocity, values.port);
      case 'calibrate':
        if (drum === undefined) throw axonError('cli_usage', 'missing the drum number');
        if (values['audio-in'] !== undefined && values['audio-in'].trim() === '') throw axonError('cli_usage', '--audio-in needs an input device (see axon devices)');
        if (values.simulate && (values.port !== undefined || values['audio-in'] !== undefined || values['audio-in-channel'] !== undefined)) {
          throw axonError('cli_usage', '--simulate calibrates a simulated board heard by its model microphone: leave out --port and --audio-in');
        }
        return calibrate(drum, {
          port: values.port,
          audioIn: values['audio-in'],
          channel: numberFlag('audio-in-channel', values['audio-in-channel'], 1, 1, 64, true),
          save: values.save,
          json,
          simulate: values.simulate ?? false,
          repeats: numberFlag('repeats', values.repeats, CALIBRATION_REPEATS, 1, CALIBRATION_REPEATS_MAX, true),
        });
      case 'bench':
        return bench(json, numberFlag('rounds', values.rounds, 25, 2, 1000, true));
      case 'simulate':
        return simulate(numberFlag('shield', values.shield, 1, 1, 2, true));
    }
  },
};
