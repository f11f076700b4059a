import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/main/backend';
import { firmwareImage } from '../../src/main/drums/firmware/firmware-image';
import { DrumLink } from '../../src/main/drums/link/link';
import { SerialTransport } from '../../src/main/drums/link/serial-transport';
import { AvrBoard } from '../../src/main/drums/simulator/avr-board';
import { answer, type DrumsState, type Notice } from '../../src/shared/api';
import type { OutEvent } from '../../src/shared/events';
import { until } from '../support/until';

// The app's drums end to end: a running engine playing a patch with a drum output, the backend's
// drum manager, and the real firmware on a simulated board behind a pty.

let backend: Backend;
let board: AvrBoard;
let path: string;
const notices: Notice[] = [];

const drumNotices = () => notices.flatMap((n) => (n.type === 'drums' ? [n.state] : []));
const drumOuts = () => notices.flatMap((n) => (n.type === 'out' && n.event.type === 'drum' ? [n.event] : [])) as Extract<OutEvent, { type: 'drum' }>[];

beforeAll(async () => {
  board = AvrBoard.fromHexFile(firmwareImage('axon_drums'));
  path = await board.attachPty();
  board.start();
  backend = await Backend.start({ seed: 1, drums: { openLink: (p) => new DrumLink(new SerialTransport(p), { bootWaitMs: 200 }) } });
  backend.on('notice', (n) => notices.push(n));
}, 300_000);

afterAll(async () => {
  await backend?.close();
  await board?.stop();
});

describe('drums in the app', () => {
  it('starts on the virtual kit; test strikes sound there', async () => {
    const state = (await answer(backend, 'getDrums', [])) as { ok: true; result: DrumsState };
    expect(state.result).toMatchObject({ mode: 'virtual', port: null, board: null });
    expect((await answer(backend, 'testStrike', [2, 90])).ok).toBe(true);
  });

  it('refuses bad drum calls by name and keeps its state', async () => {
    for (const [method, args, what] of [
      ['connectDrums', ['/etc/passwd'], 'argument 0'],
      ['connectDrums', ['/dev/../etc/passwd'], 'argument 0'],
      ['testStrike', [16, 100], 'argument 0'],
      ['testStrike', [1, 0], 'argument 1'],
      ['useDrumProfile', ['../x'], 'argument 0'],
    ] as const) {
      const reply = await answer(backend, method, args);
      expect(reply.ok).toBe(false);
      if (!reply.ok) {
        expect(reply.error.code).toBe('request_invalid');
        expect(reply.error.message).toContain(what);
      }
    }
    const missing = await answer(backend, 'useDrumProfile', ['no-such-profile']);
    expect(!missing.ok && missing.error.code).toBe('drum_profile_not_found');
    expect((await backend.getDrums()).mode).toBe('virtual');
  });

  it("connects to the board; the patch's drum outputs then strike it instead of the kit", async () => {
    await backend.loadPatchFile('neural-midi');
    const reply = await answer(backend, 'connectDrums', [path]);
    expect(reply.ok).toBe(true);
    const connected = await until('the board', () => drumNotices().find((s) => s.mode === 'board'));
    expect(connected).toMatchObject({ port: path, board: { firmware: '1.0.0', shield: 1, drums: 4 } });
    const outsBefore = drumOuts().length;
    const strikesBefore = board.strikes(1).length;
    // neural-midi's comparator fires drum 0 several times in three seconds, unplayed.
    await until('drum outputs', () => drumOuts().length >= outsBefore + 3, 15_000);
    await new Promise((r) => setTimeout(r, 300));
    const outs = drumOuts().length - outsBefore;
    const strikes = board.strikes(1).length - strikesBefore;
    // Hits within the re-strike interval of the one before are refused by the board, never doubled.
    expect(strikes).toBeGreaterThan(0);
    expect(strikes).toBeLessThanOrEqual(outs + 1);
  }, 30_000);

  it('falls back to the kit when disconnected, and says so', async () => {
    const state = (await answer(backend, 'disconnectDrums', [])) as { ok: true; result: DrumsState };
    expect(state.result.mode).toBe('virtual');
    expect(drumNotices().at(-1)?.mode).toBe('virtual');
    const before = board.strikes(1).length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(board.strikes(1).length).toBe(before);
  }, 10_000);
});
