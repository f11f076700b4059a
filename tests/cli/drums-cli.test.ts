import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firmwareImage } from '../../src/main/drums/firmware/firmware-image';
import { AvrBoard } from '../../src/main/drums/simulator/avr-board';
import { runAxon } from '../support/cli-runner';
import { useTempDataDir } from '../support/data-dir';

// `axon drums` as a user runs it, against the real firmware on a simulated board behind a pty.

const DATA = useTempDataDir('drums-cli');
let board: AvrBoard;
let port: string;

beforeAll(async () => {
  board = AvrBoard.fromHexFile(firmwareImage('axon_drums'));
  port = await board.attachPty();
  board.start();
}, 300_000);
afterAll(() => board?.stop());

describe('axon drums', () => {
  it.each([
    [['drums'], 'missing what to do'],
    [['drums', 'frob'], 'unknown drums action "frob"'],
    [['drums', 'bench', '--port', '/dev/ttyACM0'], '--port does not apply to "drums bench"'],
    [['drums', 'strike'], 'missing the drum number'],
    [['drums', 'strike', '1', '--velocity', '200', '--port', '/dev/null'], '--velocity must be between 1 and 127'],
    [['drums', 'status', 'extra'], 'unexpected argument "extra"'],
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
    const status = await runAxon(DATA, 'drums', 'status', '--port', port, '--json');
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as { port: string; board: { shield: number; drums: number }; status: { drums: { state: string }[] } };
    expect(s.port).toBe(port);
    expect(s.board).toMatchObject({ shield: 1, drums: 4 });
    expect(s.status.drums.map((d) => d.state)).toEqual(['idle', 'idle', 'idle', 'idle']);

    const before = board.strikes(3).length;
    const strike = await runAxon(DATA, 'drums', 'strike', '2', '--velocity', '90', '--port', port);
    expect(strike.code).toBe(0);
    expect(strike.stdout).toContain('drum 2 struck at velocity 90');
    expect(board.strikes(3).length).toBe(before + 1);
    expect(board.strikes(3).at(-1)!.complete).toBe(true);

    const wrong = await runAxon(DATA, 'drums', 'strike', '7', '--port', port);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('has drums 0-3, not 7');
  }, 60_000);
});
