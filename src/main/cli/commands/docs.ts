import { writeFileAtomic } from '../../files';
import { parameterDocs } from '../../docs/param-docs';
import { parseFlags } from '../args';
import { stdio, type Command } from '../command';

export const docs: Command = {
  name: 'docs',
  summary: 'print (or write) the parameter reference generated from the registry',
  usage: 'axon docs [--out <file.md>]',
  async run(argv) {
    const { values } = parseFlags(argv, { out: { type: 'string' } }, { min: 0, max: 0, names: '' });
    const text = parameterDocs();
    if (values.out) writeFileAtomic(values.out, text);
    else stdio.out(text);
    return 0;
  },
};
