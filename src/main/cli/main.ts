import { AxonError, axonError, type ErrorCode } from '../../shared/errors';
import { stdio, type Command } from './command';
import { bench } from './commands/bench';
import { conceptor } from './commands/conceptor';
import { devices } from './commands/devices';
import { docs } from './commands/docs';
import { drums } from './commands/drums';
import { patches } from './commands/patches';
import { perform } from './commands/perform';
import { render } from './commands/render';
import { repair } from './commands/repair';
import { replay } from './commands/replay';
import { serve } from './commands/serve';
import { soak } from './commands/soak';
import { sinenet } from './commands/sinenet';
import { validate } from './commands/validate';

const COMMANDS: readonly Command[] = [render, bench, serve, validate, patches, docs, conceptor, sinenet, drums, perform, devices, repair, replay, soak];
/** Errors in what was typed (exit 2) rather than failures of the work (exit 1). */
const USAGE_ERRORS = new Set<ErrorCode>(['cli_usage', 'cli_unknown_command', 'patch_not_found', 'set_not_found']);

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Axon Stage: live music with small neural networks and robot drums.',
    '',
    'usage: axon <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    ...COMMANDS.map((c) => `  ${c.usage}`),
  ].join('\n');
}

/** Runs the CLI; returns the process exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    stdio.out(help());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (!command) throw axonError('cli_unknown_command', name);
    return await command.run(rest);
  } catch (err) {
    if (err instanceof AxonError) {
      stdio.err(`axon ${command?.name ?? ''}: ${err.describe()}`.replace('axon : ', 'axon: '));
      return USAGE_ERRORS.has(err.code) ? 2 : 1;
    }
    stdio.err(`axon ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}
