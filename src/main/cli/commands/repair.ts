import { formatDuration } from '../../../shared/recording';
import { setsDir } from '../../paths';
import { resolveSetFolder } from '../../record/recorded-sets';
import { repairSet } from '../../record/set-repair';
import { parseFlags } from '../args';
import { stdio, type Command } from '../command';

export const repair: Command = {
  name: 'repair',
  summary: 'close a recorded set that the app left open (a crash, a power cut): WAV header and manifest',
  usage: 'axon repair <set folder|set name> [--json]',
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' } }, { min: 1, max: 1, names: 'the set to repair (its folder, or its name in the sets folder)' });
    const report = await repairSet(resolveSetFolder(positionals[0], setsDir()));
    if (values.json) stdio.out(JSON.stringify(report));
    else {
      const length = `${formatDuration(report.seconds)} (${report.frames} frames)`;
      stdio.out(report.fixed.length === 0 ? `${report.set}: nothing to repair, ${length}` : `${report.set}: ${report.fixed.join('; ')}; ${length}`);
    }
    return 0;
  },
};
