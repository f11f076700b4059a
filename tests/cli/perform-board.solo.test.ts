import { describe, expect, it } from 'vitest';
import { runAxon } from '../support/cli-runner';
import { useTempDataDir } from '../support/data-dir';
import { useSimulatedBoard } from '../support/sim-board';

// `axon perform` onto a drum board: the simulated firmware runs in this process in real time,
// so this runs alone (vitest.solo.config.mts); beside the rest of the suite on a slow machine the
// board was still connecting when the 6 s were up.

const DATA = useTempDataDir('perform-board');

describe('axon perform with a drum board', () => {
  const sim = useSimulatedBoard();

  it('plays the patch onto the board for the time asked, prints its status, and releases the motors at the end', async () => {
    const r = await runAxon(DATA, 'perform', '--patch', 'neural-midi', '--audio', 'none', '--serial', sim.port, '--hid', 'none', '--seconds', '6');
    // MIDI may be unavailable here (no ALSA sequencer, maybe no jackd): said once, never a crash.
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('performing neural-midi (for 6 s)');
    expect(lines.at(-1)).toBe('stopped: drum motors released, MIDI notes off');
    const status = lines.at(-2) ?? '';
    expect(status).toMatch(/^load \d+\.\d% \| underruns \d+ \| audio none \(audio output off\) \| drums board /);
    // Under a loaded test run a strike may land late: the status then says so before MIDI.
    expect(status).toMatch(new RegExp(`drums board ${sim.port} \\(4 drums\\)( \\| \\d+ late strikes)? \\| midi `));
    expect(status).not.toContain('joystick');
    // neural-midi strikes drum 0 (motor 1) every few hundred milliseconds.
    expect(sim.board.strikes(1).length).toBeGreaterThan(2);
    expect(sim.board.anyMotorDriven()).toBe(false);
  }, 60_000);
});
