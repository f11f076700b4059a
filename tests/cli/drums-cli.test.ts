import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DrumLink } from '../../src/main/drums/link/link';
import { SerialTransport } from '../../src/main/drums/link/serial-transport';
import { waitConnected } from '../../src/main/drums/link/wait-connected';
import type { StrikeTable } from '../../src/main/drums/protocol/table';
import { runAxon } from '../support/cli-runner';
import { useTempDataDir } from '../support/data-dir';
import { jackRunning } from '../support/jack-metro';
import { useSimulatedBoard } from '../support/sim-board';

// `axon drums` as a user runs it, against the real firmware on a simulated board behind a pty.

const DATA = useTempDataDir('drums-cli');
const sim = useSimulatedBoard();

/** Drum d's table as the board holds it now. */
async function boardTable(port: string, drum: number): Promise<StrikeTable> {
  const link = new DrumLink(new SerialTransport(port), { bootWaitMs: 200 });
  link.start();
  try {
    await waitConnected(link, port, 10_000);
    return await link.getTable(drum);
  } finally {
    await link.stop();
  }
}

describe('axon drums', () => {
  it.each([
    [['drums'], 'missing what to do'],
    [['drums', 'frob'], 'unknown drums action "frob"'],
    [['drums', 'bench', '--port', '/dev/ttyACM0'], '--port does not apply to "drums bench"'],
    [['drums', 'strike'], 'missing the drum number'],
    [['drums', 'strike', '1', '--velocity', '200', '--port', '/dev/null'], '--velocity must be between 1 and 127'],
    [['drums', 'status', 'extra'], 'unexpected argument "extra"'],
    [['drums', 'calibrate'], 'missing the drum number'],
    [['drums', 'calibrate', '1', '--velocity', '3'], '--velocity does not apply to "drums calibrate"'],
    [['drums', 'calibrate', '1', '--audio-in', ' '], '--audio-in needs an input device'],
    [['drums', 'calibrate', '1', '--simulate', '--port', '/dev/ttyACM0'], '--simulate calibrates a simulated board heard by its model microphone: leave out --port and --audio-in'],
    [['drums', 'calibrate', '1', '--repeats', '9'], '--repeats must be between 1 and 5'],
  ])('%j is a usage error: %s', async (args, message) => {
    const r = await runAxon(DATA, ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('names a port that does not exist, at once', async () => {
    const r = await runAxon(DATA, 'drums', 'status', '--port', '/dev/axon-no-such-port');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot open the serial port /dev/axon-no-such-port: no such device');
  });

  it('reads the status of a board and test-strikes a drum', async () => {
    const status = await runAxon(DATA, 'drums', 'status', '--port', sim.port, '--json');
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as { port: string; board: { shield: number; drums: number }; status: { drums: { state: string }[] } };
    expect(s.port).toBe(sim.port);
    expect(s.board).toMatchObject({ shield: 1, drums: 4 });
    expect(s.status.drums.map((d) => d.state)).toEqual(['idle', 'idle', 'idle', 'idle']);

    const before = sim.board.strikes(3).length;
    const strike = await runAxon(DATA, 'drums', 'strike', '2', '--velocity', '90', '--port', sim.port);
    expect(strike.code).toBe(0);
    expect(strike.stdout).toContain('drum 2 struck at velocity 90');
    expect(sim.board.strikes(3).length).toBe(before + 1);
    expect(sim.board.strikes(3).at(-1)!.complete).toBe(true);

    const wrong = await runAxon(DATA, 'drums', 'strike', '7', '--port', sim.port);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('has drums 0-3, not 7');
  }, 60_000);

  // Needs a JACK server for the silent capture (started by the test setup where jackd is installed).
  const jack = jackRunning();
  it.runIf(jack)('calibrate hears nothing from a simulated drum: it says to check the microphone, and the board keeps its table', async () => {
    const before = await boardTable(sim.port, 1);
    const strikes = sim.board.strikes(2).length;
    // The JACK dummy server's capture ports are silent: no drum is ever heard.
    const r = await runAxon(DATA, 'drums', 'calibrate', '1', '--port', sim.port, '--audio-in', 'jack', '--save', 'stage-left');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('drum calibration failed: drum 1 made no sound at velocity');
    expect(r.stderr).toContain('check the microphone');
    // It struck (the reference strikes at the longest push), saved no profile, restored the table.
    expect(sim.board.strikes(2).length).toBeGreaterThan(strikes);
    expect(existsSync(path.join(DATA, 'drums', 'stage-left.json'))).toBe(false);
    expect(await boardTable(sim.port, 1)).toEqual(before);
  }, 60_000);

  it('calibrate refuses a bad profile name before striking', async () => {
    const strikes = sim.board.strikes(2).length;
    const r = await runAxon(DATA, 'drums', 'calibrate', '1', '--port', sim.port, '--save', 'no/slashes');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a valid drum profile');
    expect(sim.board.strikes(2).length).toBe(strikes);
  });
});
