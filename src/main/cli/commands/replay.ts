import path from 'node:path';
import { axonError } from '../../../shared/errors';
import { formatDuration } from '../../../shared/recording';
import { setsDir } from '../../paths';
import { resolveSetFolder } from '../../record/recorded-sets';
import { replaySet } from '../../record/set-replay';
import { parseFlags } from '../args';
import { stdio, type Command } from '../command';

export const replay: Command = {
  name: 'replay',
  summary: "render a recorded set's engine part again from its event log (bit for bit), into a WAV or compared with the recording",
  usage: 'axon replay <set folder|set name> [--out <file.wav>] [--compare] [--json]',
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      { out: { type: 'string' }, compare: { type: 'boolean' }, json: { type: 'boolean' } },
      { min: 1, max: 1, names: 'the set to replay (its folder, or its name in the sets folder)' },
    );
    if (values.out === undefined && !values.compare) throw axonError('cli_usage', 'give --out <file.wav>, --compare, or both');
    if (values.out !== undefined && !/\.wav$/i.test(values.out)) throw axonError('cli_usage', `--out must name a .wav file, got "${values.out}"`);
    const report = await replaySet(resolveSetFolder(positionals[0], setsDir()), { out: values.out === undefined ? undefined : path.resolve(values.out), compare: values.compare });
    if (values.json) stdio.out(JSON.stringify(report));
    else {
      stdio.out(`${report.set}: ${formatDuration(report.seconds)} (${report.frames} frames) rendered from ${report.loads} patch load${report.loads === 1 ? '' : 's'} and ${report.events} events in ${report.wallSeconds} s`);
      if (report.out) stdio.out(`written to ${report.out}`);
      const c = report.compare;
      if (c) stdio.out(c.identical ? 'identical to master.wav, bit for bit' : `differs from master.wav in ${c.differentFrames} frames, first at frame ${c.firstDifferentFrame}, by up to ${c.maxDifference}`);
    }
    return report.compare && !report.compare.identical ? 1 : 0;
  },
};
