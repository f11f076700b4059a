import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/main/backend';
import { answer, API_ARGS, type ApiMethod } from '../../src/shared/api';

// Every call from a UI (IPC or WebSocket: both go through answer()) with file-system tricks in
// each of its strings: none may read or write outside the app's data folders. The table is typed
// over every API method, so a new method cannot be added without saying what to try on it.

const ROOT = mkdtempSync(path.join(os.tmpdir(), 'axon-confine-'));
const DATA = path.join(ROOT, 'data');
const OUTSIDE = path.join(ROOT, 'outside');
const SECRET = 'SENTINEL-7f3a: nothing of this may reach a UI';

/** Names and paths that point out of a data folder (each folder sits one or two levels down). */
const PAYLOADS = [
  '../../outside/secret',
  '../../outside/secret.wav',
  '../../outside/secret.json',
  '../../../outside/secret.json',
  `${OUTSIDE}/secret.json`,
  `${OUTSIDE}/written`,
  '..',
  '../..',
  'a/../../../outside/secret',
  '..\\..\\outside\\secret.wav',
  'secret\u0000.wav',
  '%2e%2e%2foutside%2fsecret',
  '~/secret',
  '/etc/passwd',
];

type Attempts = { [M in ApiMethod]: (p: string) => unknown[][] };

const none = (): unknown[][] => [];
const ATTEMPTS: Attempts = {
  listPatches: none,
  loadPatch: (p) => [[p]],
  getState: none,
  setParam: (p) => [[p, 0.5]],
  setInput: (p) => [[p, 0.5]],
  learn: (p) => [[p, 'start']],
  captureAudio: none,
  listModels: none,
  listSounds: none,
  trainModel: (p) => [[{ name: p, sounds: ['a.wav'] }], [{ name: 'confined', sounds: [p] }], [{ name: 'confined', sounds: [`${p}.wav`] }]],
  cancelTraining: (p) => [[p]],
  soundOverview: (p) => [[{ name: p, columns: 10 }], [{ name: `${p}.wav`, columns: 10 }]],
  uploadSound: (p) => [[{ name: p, size: 4, offset: 0, data: 'AAAA' }], [{ name: `${p}.wav`, size: 4, offset: 0, data: 'AAAA' }]],
  getModel: (p) => [[p]],
  playModel: (p) => [[{ model: p }]],
  generateSineNets: none,
  cancelSineNets: (p) => [[p]],
  getSineNets: none,
  playSineNet: none,
  exportSineNetPack: (p) => [[{ job: p, keep: [1] }]],
  getDrums: none,
  listDrumPorts: none,
  connectDrums: (p) => [[p]],
  disconnectDrums: none,
  testStrike: none,
  listDrumProfiles: none,
  useDrumProfile: (p) => [[p]],
  getDrumTables: none,
  setDrumTable: none,
  saveDrumTables: (p) => [[p]],
  getDrumStatus: none,
  strikeAndListen: none,
  exportDrumProfile: (p) => [[p]],
  importDrumProfile: (p) => [[p, true], [JSON.stringify({ name: p }), true]],
  calibrateDrum: none,
  cancelDrumCalibration: (p) => [[p]],
  setMappings: (p) => [[[{ from: p, to: p }]]],
  learnMapping: (p) => [[p]],
  cancelLearn: none,
  panic: none,
  getDevices: none,
  listAudioDevices: none,
  setAudioOutput: (p) => [[{ backend: 'audify', device: p }]],
  setAudioFormat: none,
  reopenAudioOutput: none,
  setMidiInput: (p) => [[p]],
  setAudioInput: (p) => [[{ device: p, channel: 1 }]],
  calibrateJoystick: (p) => [[p, 'start'], [p, 'save']],
  setJoystickAxis: (p) => [[p, p, { deadZone: 0.1, curve: 1, invert: false }]],
  setOsc: (p) => [[{ listen: p, targets: [p] }]],
  savePatch: (p) => [[p, p, true]],
  duplicatePatch: (p) => [
    [p, 'copy'],
    ['dual-neuron', p],
  ],
  getSetList: none,
  setSetList: (p) => [[[{ name: p, patch: p }]], [[{ name: 'scene', patch: 'dual-neuron', drumProfile: p }]]],
  goToScene: none,
  setScope: (p) => [[0, p]],
  setScopeTime: none,
  startRecording: (p) => [[p]],
  armRecording: (p) => [[p]],
  stopRecording: none,
  getRecording: none,
  listSets: none,
};

/** Every file under `dir` with its size and modification time. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p);
        out.set(p, `${s.size}:${s.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out;
}

describe('the API stays inside the data folders', () => {
  let backend: Backend;
  const before = process.env.AXON_DATA_DIR;

  beforeAll(async () => {
    mkdirSync(DATA);
    mkdirSync(OUTSIDE);
    for (const name of ['secret', 'secret.wav', 'secret.json']) writeFileSync(path.join(OUTSIDE, name), SECRET);
    process.env.AXON_DATA_DIR = DATA;
    backend = await Backend.start({ seed: 1, output: { kind: 'none' } });
    await backend.loadPatch('dual-neuron');
  }, 30_000);

  afterAll(async () => {
    await backend?.close();
    if (before === undefined) delete process.env.AXON_DATA_DIR;
    else process.env.AXON_DATA_DIR = before;
    rmSync(ROOT, { recursive: true, force: true });
  });

  it('lists what to try on every method', () => {
    expect(Object.keys(ATTEMPTS).sort()).toEqual(Object.keys(API_ARGS).sort());
  });

  it('reads and writes nothing outside, and no answer carries what is there', async () => {
    const outside = snapshot(OUTSIDE);
    let calls = 0;
    let refused = 0;
    for (const method of Object.keys(ATTEMPTS) as ApiMethod[]) {
      for (const p of PAYLOADS) {
        for (const args of ATTEMPTS[method](p)) {
          const reply = await answer(backend, method, args);
          calls++;
          if (!reply.ok) refused++;
          expect(JSON.stringify(reply), `${method}(${JSON.stringify(args)})`).not.toContain('SENTINEL');
        }
      }
    }
    await backend.stopRecording().catch(() => undefined);
    console.log(`${calls} hostile calls on ${Object.keys(ATTEMPTS).length} methods, ${refused} refused`);
    expect(snapshot(OUTSIDE)).toEqual(outside);
    for (const name of ['secret', 'secret.wav', 'secret.json']) expect(readFileSync(path.join(OUTSIDE, name), 'utf8')).toBe(SECRET);
    // Nothing new beside the two folders, nor anywhere else in the temporary root.
    expect(readdirSync(ROOT).sort()).toEqual(['data', 'outside']);
    // Nothing in the data folder escaped into a name of its own making either.
    for (const file of snapshot(DATA).keys()) expect(path.relative(DATA, file)).not.toMatch(/^\.\.|outside|secret|passwd/);
  }, 120_000);
});
