import { describe, expect, it } from 'vitest';
import { runAxon } from '../support/cli-runner';
import { useTempDataDir } from '../support/data-dir';
import { useSimulatedBoard } from '../support/sim-board';

// `axon drums` as a user runs it, against the real firmware on a simulated board behind a pty.

const DATA = useTempDataDir('drums-cli');
const sim = useSimulatedBoard();

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
});
