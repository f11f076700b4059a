import { listPatches, userPatchesDir } from '../../patches/patch-library';
import { parseFlags } from '../args';
import { stdio, type Command } from '../command';

export const patches: Command = {
  name: 'patches',
  summary: 'list the example and user patches',
  usage: 'axon patches [--json]',
  async run(argv) {
    const { values } = parseFlags(argv, { json: { type: 'boolean' } }, { min: 0, max: 0, names: '' });
    const list = listPatches();
    if (values.json) stdio.out(JSON.stringify(list));
    else {
      const width = Math.max(...list.map((p) => p.name.length));
      for (const p of list) stdio.out(`${p.name.padEnd(width)}  ${p.origin.padEnd(7)}  ${p.title}`);
      stdio.out(`(user patches live in ${userPatchesDir()})`);
    }
    return 0;
  },
};
