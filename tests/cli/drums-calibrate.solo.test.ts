import { describe, expect, it } from 'vitest';
import type { StrikeTable } from '../../src/main/drums/protocol/table';
import { runAxon } from '../support/cli-runner';
import { useTempDataDir } from '../support/data-dir';

// `axon drums calibrate --simulate`: the firmware simulated in the app's process, heard by the
// model microphone. Alone on the machine: beside the UI tests on 2 cores the simulator fell
// behind real time and the sweep heard nothing.

const DATA = useTempDataDir('drums-calibrate');

describe('axon drums calibrate --simulate', () => {
  it('calibrates a drum of the simulated board by its model microphone, close to the model drum\'s truth', async () => {
    const r = await runAxon(DATA, 'drums', 'calibrate', '2', '--simulate', '--repeats', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { table: StrikeTable; latency: { velocity: number; ms: number }[]; model: { velocity: number; forwardUs: number; reachMs: number }[]; saved: null };
    expect(out.saved).toBeNull();
    console.log(
      out.table.points
        .map((p, i) => `v${p.velocity}: push ${(p.forwardUs / 1000).toFixed(1)} ms (model ${(out.model[i].forwardUs / 1000).toFixed(1)}), latency ${out.latency[i].ms} ms (model travel ${out.model[i].reachMs})`)
        .join('; '),
    );
    out.table.points.forEach((p, i) => {
      // Found within the bisection's resolution above 95 % of full strength, never past full.
      expect(p.forwardUs, `v${p.velocity}`).toBeGreaterThan(0.9 * out.model[i].forwardUs);
      expect(p.forwardUs, `v${p.velocity}`).toBeLessThanOrEqual(out.model[i].forwardUs + 500);
      expect(out.latency[i].ms, `v${p.velocity}`).toBeGreaterThan(out.model[i].reachMs);
    });
  }, 90_000);
});
