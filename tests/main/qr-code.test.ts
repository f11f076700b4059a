import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import {
  alignmentPositions,
  byteCapacity,
  encodeQr,
  formatBits,
  qrMatrix,
  qrToSvg,
  penalty,
  qrToTerminal,
  QR_MAX_VERSION,
  reedSolomon,
  totalCodewords,
  versionBits,
  type QrCode,
  type QrLevel,
} from '../../src/main/server/qr-code';
import { AxonError } from '../../src/shared/errors';

// The QR encoder, judged by jsQR (an independent decoder) reading our symbols as images, and by
// numbers printed in ISO/IEC 18004 (capacities, alignment centres, format and version words).

const LEVELS: QrLevel[] = ['L', 'M', 'Q', 'H'];

/** The symbol as an RGBA image: `scale` pixels a module, black on white, with a quiet zone. */
function bitmap(modules: boolean[][], scale = 4, quiet = 4): { data: Uint8ClampedArray; side: number } {
  const side = (modules.length + 2 * quiet) * scale;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  modules.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (!dark) return;
      for (let y = 0; y < scale; y++) {
        const start = (((r + quiet) * scale + y) * side + (c + quiet) * scale) * 4;
        for (let x = 0; x < scale * 4; x += 4) data.fill(0, start + x, start + x + 3);
      }
    }),
  );
  return { data, side };
}

/** What jsQR reads from the symbol (text and version), or null. */
function read(code: QrCode, scale = 4): { text: string; version: number } | null {
  const { data, side } = bitmap(code.modules, scale);
  const r = jsQR(data, side, side, { inversionAttempts: 'dontInvert' });
  return r ? { text: r.data, version: r.version } : null;
}

/** A varied printable text of `n` bytes (no long runs that would make the data easy). */
const textOf = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 37 + (i >> 3)) % 94))).join('');

const URL_TEXT = 'http://192.168.1.23:7400/#token=3q2-7wAbCdEfGhIjKlMnOpQr';

describe('QR encoding, read back by jsQR', () => {
  it.each([
    ['a short text', 'Axon'],
    ['a LAN address with a token', URL_TEXT],
    ['120 bytes', textOf(120)],
    ['UTF-8 text', 'Schöne Grüße — ♪ 音楽'],
    ['the empty text', ''],
  ])('%s decodes to itself', (_, text) => {
    const code = encodeQr(text);
    expect(read(code)).toEqual({ text, version: code.version });
  });

  it('takes the smallest version: one byte more than a version holds moves to the next', () => {
    // Byte-mode capacities at level M from the standard's table (versions 1-10).
    const capacityM = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213];
    capacityM.forEach((cap, i) => {
      const v = i + 1;
      expect(byteCapacity(v, 'M')).toBe(cap);
      const full = encodeQr(textOf(cap));
      const over = encodeQr(textOf(cap + 1));
      expect([full.version, over.version]).toEqual([v, v + 1]);
      expect(read(full)?.text).toBe(textOf(cap));
      expect(read(over)?.text).toBe(textOf(cap + 1));
    });
    expect(encodeQr(URL_TEXT).version).toBe(4);
  });

  it('every mask pattern gives a readable symbol, and the format bits name it', () => {
    for (const text of ['Axon', URL_TEXT, textOf(120)]) {
      for (let mask = 0; mask < 8; mask++) {
        const code = encodeQr(text, { mask });
        expect(code.mask).toBe(mask);
        expect(read(code)?.text, `mask ${mask}, ${text.length} bytes`).toBe(text);
        const bits = formatBits('M', mask);
        expect(formatCopies(code.modules)).toEqual([bits, bits]);
      }
    }
  });

  it('masks really differ, and the one chosen has the lowest penalty (the first such)', () => {
    for (const text of ['Axon', URL_TEXT, textOf(120)]) {
      const forced = Array.from({ length: 8 }, (_, mask) => encodeQr(text, { mask }).modules);
      expect(new Set(forced.map((m) => m.flat().map(Number).join(''))).size).toBe(8);
      const scores = forced.map(penalty);
      const chosen = encodeQr(text);
      expect(chosen.mask).toBe(scores.indexOf(Math.min(...scores)));
      expect(chosen.modules).toEqual(forced[chosen.mask]);
    }
  });

  it('penalty rules, on symbols worked by hand', () => {
    // All light, 21 x 21: runs 42 lines x (3 + 16), 2x2 blocks 400 x 3, no finder-like runs, 0% dark: 10 x 10.
    const light = Array.from({ length: 21 }, () => new Array<boolean>(21).fill(false));
    expect(penalty(light)).toBe(42 * 19 + 400 * 3 + 100);
    // A checkerboard: no runs, no blocks, no 1:1:3:1:1, exactly half dark.
    const checker = Array.from({ length: 21 }, (_, r) => Array.from({ length: 21 }, (_, c) => (r + c) % 2 === 0));
    expect(penalty(checker)).toBe(0);
  });

  // jsQR's table puts version 23's fourth alignment centre at 74 where the standard says 78;
  // at levels M-H its error correction hides the misread modules, at L it cannot.
  const JSQR_WRONG = (level: QrLevel, v: number) => level === 'L' && v === 23;

  it.each(LEVELS)('level %s: versions 1-40, each filled to capacity, decode with their version', (level) => {
    for (let v = 1; v <= QR_MAX_VERSION; v++) {
      if (JSQR_WRONG(level, v)) continue;
      const text = textOf(byteCapacity(v, level));
      const code = encodeQr(text, { level });
      expect(code.version).toBe(v);
      expect(code.size).toBe(17 + 4 * v);
      expect(read(code, v > 20 ? 3 : 4), `${level} version ${v}`).toEqual({ text, version: v });
    }
  });

  it('is deterministic', () => {
    expect(qrMatrix(URL_TEXT)).toEqual(qrMatrix(URL_TEXT));
  });
});

/** The 15 format bits as read from each of the two copies (bit 0 first, as the standard places them). */
function formatCopies(m: boolean[][]): [number, number] {
  const n = m.length;
  let a = 0;
  let b = 0;
  const firstCells: Array<[number, number]> = [[0, 8], [1, 8], [2, 8], [3, 8], [4, 8], [5, 8], [7, 8], [8, 8], [8, 7], [8, 5], [8, 4], [8, 3], [8, 2], [8, 1], [8, 0]];
  firstCells.forEach(([r, c], i) => (a |= Number(m[r][c]) << i));
  for (let i = 0; i < 8; i++) b |= Number(m[8][n - 1 - i]) << i;
  for (let i = 8; i < 15; i++) b |= Number(m[n - 15 + i][8]) << i;
  return [a, b];
}

describe('numbers from the standard', () => {
  it('byte capacities of versions 1, 10 and 40 at every level', () => {
    const table: Record<QrLevel, [number, number, number]> = { L: [17, 271, 2953], M: [14, 213, 2331], Q: [11, 151, 1663], H: [7, 119, 1273] };
    for (const level of LEVELS) expect([1, 10, 40].map((v) => byteCapacity(v, level))).toEqual(table[level]);
  });

  it('codewords per version', () => {
    expect([1, 2, 6, 7, 14, 23, 40].map(totalCodewords)).toEqual([26, 44, 172, 196, 581, 1364, 3706]);
  });

  it('alignment pattern centres', () => {
    expect(alignmentPositions(1)).toEqual([]);
    expect(alignmentPositions(2)).toEqual([6, 18]);
    expect(alignmentPositions(7)).toEqual([6, 22, 38]);
    expect(alignmentPositions(14)).toEqual([6, 26, 46, 66]);
    expect(alignmentPositions(23)).toEqual([6, 30, 54, 78, 102]);
    expect(alignmentPositions(32)).toEqual([6, 34, 60, 86, 112, 138]);
    expect(alignmentPositions(36)).toEqual([6, 24, 50, 76, 102, 128, 154]);
    expect(alignmentPositions(40)).toEqual([6, 30, 58, 86, 114, 142, 170]);
  });

  it('Reed-Solomon check codewords of the usual worked example ("HELLO WORLD", 1-M)', () => {
    const data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17];
    expect([...reedSolomon(data, 10)]).toEqual([196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
  });

  it('format words (level and mask under BCH(15,5), masked)', () => {
    expect(formatBits('M', 0)).toBe(0x5412);
    expect(formatBits('M', 7)).toBe(0x4aa0);
    expect(formatBits('L', 0)).toBe(0x77c4);
    expect(formatBits('L', 4)).toBe(0x662f);
    expect(formatBits('Q', 0)).toBe(0x355f);
    expect(formatBits('H', 0)).toBe(0x1689);
  });

  it('version words (BCH(18,6)), in both corners of the symbol', () => {
    expect([7, 8, 9, 10, 40].map(versionBits)).toEqual([0x07c94, 0x085bc, 0x09a99, 0x0a4d3, 0x28c69]);
    const m = encodeQr(textOf(byteCapacity(7, 'M'))).modules;
    const n = m.length;
    let topRight = 0;
    let bottomLeft = 0;
    for (let i = 0; i < 18; i++) {
      topRight |= Number(m[Math.floor(i / 3)][n - 11 + (i % 3)]) << i;
      bottomLeft |= Number(m[n - 11 + (i % 3)][Math.floor(i / 3)]) << i;
    }
    expect([topRight, bottomLeft]).toEqual([0x07c94, 0x07c94]);
  });

  it('finder, timing and dark module where the standard puts them', () => {
    const m = encodeQr(URL_TEXT).modules;
    const n = m.length;
    const finderRow = [true, true, true, true, true, true, true, false];
    expect(m[0].slice(0, 8)).toEqual(finderRow);
    expect(m[3].slice(0, 8)).toEqual([true, false, true, true, true, false, true, false]);
    expect(m[0].slice(n - 8)).toEqual([...finderRow].reverse());
    expect(m[n - 1].slice(0, 8)).toEqual(finderRow);
    for (let i = 8; i < n - 8; i++) {
      expect(m[6][i]).toBe(i % 2 === 0);
      expect(m[i][6]).toBe(i % 2 === 0);
    }
    expect(m[n - 8][8]).toBe(true);
  });
});

describe('limits', () => {
  it('a text too long for version 40 is refused with a catalogued error', () => {
    const tooLong = 'x'.repeat(2332);
    expect(() => encodeQr(tooLong)).toThrow(AxonError);
    try {
      encodeQr(tooLong);
    } catch (err) {
      expect(err).toMatchObject({ code: 'qr_too_long' });
      expect((err as AxonError).message).toBe('2332 bytes are too long for a QR code: at most 2331 fit at error correction level M (version 40)');
    }
    expect(encodeQr('x'.repeat(2331)).version).toBe(40);
  });

  it('counts bytes, not characters', () => {
    // 800 three-byte characters are 2400 bytes.
    expect(() => encodeQr('音'.repeat(800))).toThrow(/2400 bytes are too long/);
  });

  it('a lower version limit refuses sooner', () => {
    expect(() => encodeQr(textOf(214), { maxVersion: 10 })).toThrow(/at most 213 fit at error correction level M \(version 10\)/);
  });

  it('bad options are refused', () => {
    expect(() => encodeQr('a', { mask: 8 })).toThrow(expect.objectContaining({ code: 'qr_option' }));
    expect(() => encodeQr('a', { minVersion: 41 })).toThrow(expect.objectContaining({ code: 'qr_option' }));
    expect(() => encodeQr('a', { level: 'X' as QrLevel })).toThrow(expect.objectContaining({ code: 'qr_option' }));
  });
});

describe('renderings', () => {
  const code = encodeQr(URL_TEXT);

  /** Modules back from the half-block text (blocks drawn for `inked` modules). */
  function fromTerminal(text: string, inked: boolean): boolean[][] {
    const rows: boolean[][] = [];
    for (const line of text.split('\n')) {
      const chars = [...line];
      rows.push(chars.map((ch) => (ch === '█' || ch === '▀') === inked));
      rows.push(chars.map((ch) => (ch === '█' || ch === '▄') === inked));
    }
    return rows;
  }

  it('terminal text: half blocks, a 4-module quiet zone, two module rows a line, read back by jsQR', () => {
    const text = qrToTerminal(code.modules);
    const lines = text.split('\n');
    const side = code.size + 8;
    expect(lines).toHaveLength(Math.ceil(side / 2));
    for (const line of lines) expect([...line]).toHaveLength(side);
    expect(text).toMatch(/^[▀▄█ \n]+$/);
    // The default draws light modules (for a dark terminal): the quiet zone is solid.
    expect(lines[0]).toBe('█'.repeat(side));
    expect(lines[1]).toBe('█'.repeat(side));
    const modules = fromTerminal(text, false).slice(0, side);
    expect(modules.slice(4, 4 + code.size).map((r) => r.slice(4, 4 + code.size))).toEqual(code.modules);
    for (const row of [...modules.slice(0, 4), ...modules.slice(-4)]) expect(row.every((d) => !d)).toBe(true);
    for (const row of modules) expect([...row.slice(0, 4), ...row.slice(-4)].every((d) => !d)).toBe(true);
    expect(read({ ...code, modules: modules.slice(4, 4 + code.size).map((r) => r.slice(4, 4 + code.size)) })?.text).toBe(URL_TEXT);
  });

  it('terminal text for a light terminal draws the dark modules', () => {
    const text = qrToTerminal(code.modules, { foreground: 'dark', quiet: 2 });
    const modules = fromTerminal(text, true);
    expect(modules.slice(2, 2 + code.size).map((r) => r.slice(2, 2 + code.size))).toEqual(code.modules);
    expect(text.split('\n')[0]).toBe(' '.repeat(code.size + 4));
  });

  it('SVG: a viewBox in modules, one rect for the light square, the dark modules as runs', () => {
    const svg = qrToSvg(code.modules, { pixels: 200 });
    const side = code.size + 8;
    expect(svg).toMatch(new RegExp(`^<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" width="200" height="200"`));
    expect(svg).toContain(`<rect width="${side}" height="${side}" fill="#fff"/>`);
    // Paint the runs back into a grid: it is the symbol, offset by the quiet zone.
    const grid = Array.from({ length: code.size }, () => new Array<boolean>(code.size).fill(false));
    const d = /<path d="([^"]*)" fill="#000"\/>/.exec(svg)?.[1] ?? '';
    for (const [, x, y, run] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
      for (let i = 0; i < Number(run); i++) grid[Number(y) - 4][Number(x) - 4 + i] = true;
    }
    expect(d.replace(/M(\d+) (\d+)h(\d+)v1h-\3z/g, '')).toBe('');
    expect(grid).toEqual(code.modules);
  });
});
