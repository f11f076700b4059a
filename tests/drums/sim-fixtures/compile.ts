// Builds the simulator's fixture programs (plain avr-libc C, beside this file) into a temp dir.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = __dirname;

export interface FixtureBuild {
  dir: string;
  /** Path of the .hex for a fixture name (e.g. 'echo' for echo.c). */
  hex(name: string): string;
  /** Path of the raw binary (avr-objcopy -O binary), to check the HEX reader against. */
  bin(name: string): string;
  cleanup(): void;
}

function run(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') {
      throw new Error(`${cmd} is not installed: the simulator tests compile AVR fixtures (apt-get install gcc-avr avr-libc binutils-avr)`);
    }
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stderr?.toString() ?? e.message}`);
  }
}

export function buildFixtures(names: readonly string[]): FixtureBuild {
  const dir = mkdtempSync(join(tmpdir(), 'axon-avr-fixtures-'));
  for (const name of names) {
    const elf = join(dir, `${name}.elf`);
    run('avr-gcc', ['-mmcu=atmega328p', '-Os', '-DF_CPU=16000000UL', '-Wall', '-Werror', '-o', elf, join(here, `${name}.c`)]);
    run('avr-objcopy', ['-O', 'ihex', '-R', '.eeprom', elf, join(dir, `${name}.hex`)]);
    run('avr-objcopy', ['-O', 'binary', '-R', '.eeprom', elf, join(dir, `${name}.bin`)]);
  }
  return {
    dir,
    hex: (name) => join(dir, `${name}.hex`),
    bin: (name) => join(dir, `${name}.bin`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
