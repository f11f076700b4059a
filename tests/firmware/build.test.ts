import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// `npm run firmware:build`: the three firmware images for the Arduino Uno exist and fit its
// 32256 bytes of flash (after the bootloader) and leave at least 512 of its 2048 bytes of RAM
// to the stack.

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'build', 'firmware');
const BUILDS = ['axon_drums', 'axon_drums-v2', 'axon_drums-blocking'];
const FLASH_BYTES = 32256;
const RAM_BYTES = 2048;
const STACK_BYTES = 512;

/** Bytes of program in an Intel HEX file: the sum of its data records. */
function hexDataBytes(file: string): number {
  let bytes = 0;
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (!line.startsWith(':')) continue;
    const type = parseInt(line.slice(7, 9), 16);
    if (type === 0) bytes += parseInt(line.slice(1, 3), 16);
  }
  return bytes;
}

/** Static RAM from the ELF: .data + .bss + .noinit. */
function staticRam(elf: string): number {
  const out = execFileSync('avr-size', ['-A', elf], { encoding: 'utf8' });
  const section = (name: string) => Number(new RegExp(`^\\${name}\\s+(\\d+)`, 'm').exec(out)?.[1] ?? 0);
  return section('.data') + section('.bss') + section('.noinit');
}

describe('firmware build', () => {
  it('builds the three images, each fitting the Uno', async () => {
    let report: string;
    try {
      report = (await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'build-firmware.mjs')], { cwd: ROOT })).stdout;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`npm run firmware:build failed:\n${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`);
    }
    for (const name of BUILDS) {
      expect(report).toContain(`build/firmware/${name}.hex: flash `);
      const flash = hexDataBytes(path.join(OUT, `${name}.hex`));
      const ram = staticRam(path.join(OUT, `${name}.elf`));
      expect(flash, `${name} flash`).toBeGreaterThan(1000);
      expect(flash, `${name} flash`).toBeLessThan(FLASH_BYTES);
      expect(ram, `${name} RAM`).toBeLessThanOrEqual(RAM_BYTES - STACK_BYTES);
    }
  }, 300_000);
});
