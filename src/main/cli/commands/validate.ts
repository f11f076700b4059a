import { AxonError } from '../../../shared/errors';
import { readPlayablePatch } from '../../patches/patch-assets';
import { parseFlags } from '../args';
import { stdio, type Command } from '../command';

export const validate: Command = {
  name: 'validate',
  summary: 'check patch files and list every problem',
  usage: 'axon validate <patch.json|name> [...]',
  async run(argv) {
    const { positionals } = parseFlags(argv, {}, { min: 1, max: Infinity, names: 'a patch to check' });
    let failed = 0;
    for (const p of positionals) {
      try {
        const { patch, file } = readPlayablePatch(p);
        stdio.out(`${file}: ok ("${patch.name}", ${patch.neurons.length} neurons)`);
      } catch (err) {
        if (!(err instanceof AxonError)) throw err;
        failed++;
        stdio.err(err.describe());
      }
    }
    return failed ? 1 : 0;
  },
};
