import { axonError } from '../../shared/errors';

// A QR code encoder (ISO/IEC 18004, model 2) for `axon serve --lan`: byte mode, versions 1-40,
// error correction L, M, Q or H. No Node APIs, so a UI can use it too.

export type QrLevel = 'L' | 'M' | 'Q' | 'H';

export const QR_MIN_VERSION = 1;
export const QR_MAX_VERSION = 40;

export interface QrOptions {
  /** Error correction level; M (recovers about 15% of damage) by default. */
  level?: QrLevel;
  /** Force one mask pattern 0-7 instead of the one with the lowest penalty. */
  mask?: number;
  /** The smallest version to use (a bigger one is taken when the text needs it). */
  minVersion?: number;
  /** The biggest version allowed; the text is refused beyond it. */
  maxVersion?: number;
}

export interface QrCode {
  version: number;
  level: QrLevel;
  mask: number;
  /** Modules per side: 17 + 4 * version. */
  size: number;
  /** modules[row][column], true for a dark module; no quiet zone. */
  modules: boolean[][];
}

// ISO 18004 table 9, per level and version 1-40: error correction codewords per block, and the
// number of blocks. Block lengths follow from the version's codeword count (see layoutOf).
const EC_PER_BLOCK: Record<QrLevel, readonly number[]> = {
  L: [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  M: [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  Q: [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  H: [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
};
const BLOCKS: Record<QrLevel, readonly number[]> = {
  L: [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  M: [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
  Q: [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
  H: [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
};

/** The two bits that name a level in the format information. */
const LEVEL_BITS: Record<QrLevel, number> = { L: 1, M: 0, Q: 3, H: 2 };

// GF(256) with the QR field polynomial x^8 + x^4 + x^3 + x^2 + 1; EXP is doubled so a product
// of two logarithms needs no modulo.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
}
const gfMul = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]]);

const generators = new Map<number, Uint8Array>();
/** (x - a^0)(x - a^1)...(x - a^(n-1)), coefficients from x^n down to x^0. */
function generator(n: number): Uint8Array {
  let g = generators.get(n);
  if (g) return g;
  let poly = [1];
  for (let i = 0; i < n; i++) {
    const next = new Array<number>(poly.length + 1).fill(0);
    for (let j = 0; j < poly.length; j++) {
      next[j] ^= poly[j];
      next[j + 1] ^= gfMul(poly[j], EXP[i]);
    }
    poly = next;
  }
  g = Uint8Array.from(poly);
  generators.set(n, g);
  return g;
}

/** The Reed-Solomon check codewords of `data`: data(x) * x^n mod generator(x). */
export function reedSolomon(data: ArrayLike<number>, n: number): Uint8Array {
  const g = generator(n);
  const rem = new Uint8Array(n);
  for (let i = 0; i < data.length; i++) {
    const factor = data[i] ^ rem[0];
    rem.copyWithin(0, 1);
    rem[n - 1] = 0;
    for (let j = 0; j < n; j++) rem[j] ^= gfMul(g[j + 1], factor);
  }
  return rem;
}

/** Remainder of `value` (shifted left by the generator's degree) modulo `poly`, over GF(2). */
function bchRemainder(value: number, poly: number): number {
  const degree = 31 - Math.clz32(poly);
  let r = value << degree;
  for (let bit = 31 - Math.clz32(r); bit >= degree; bit--) if (r & (1 << bit)) r ^= poly << (bit - degree);
  return r;
}

/** The 15 format bits for a level and mask: BCH(15,5), then XOR 101010000010010 so it is never all zero. */
export function formatBits(level: QrLevel, mask: number): number {
  const data = (LEVEL_BITS[level] << 3) | mask;
  return ((data << 10) | bchRemainder(data, 0x537)) ^ 0x5412;
}

/** The 18 version bits (versions 7 and up): BCH(18,6). */
export function versionBits(version: number): number {
  return (version << 12) | bchRemainder(version, 0x1f25);
}

/** Centres of the alignment patterns on each axis. */
export function alignmentPositions(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const last = 4 * version + 10;
  // Evenly spaced back from the last, an even step; version 32 is the one exception in the table.
  const step = version === 32 ? 26 : 2 * Math.ceil((last - 6) / (2 * (count - 1)));
  const out = [6];
  for (let i = count - 2; i >= 0; i--) out.push(last - i * step);
  return out;
}

/** Where the 15 format bits go, bit 0 first: the copy around the top-left finder, then the split one. */
function formatCells(size: number): [Array<[number, number]>, Array<[number, number]>] {
  const first: Array<[number, number]> = [];
  const second: Array<[number, number]> = [];
  for (let i = 0; i < 15; i++) {
    first.push(i < 6 ? [i, 8] : i === 6 ? [7, 8] : i === 7 ? [8, 8] : i === 8 ? [8, 7] : [8, 14 - i]);
    second.push(i < 8 ? [8, size - 1 - i] : [size - 15 + i, 8]);
  }
  return [first, second];
}

interface Template {
  size: number;
  dark: boolean[][];
  /** Modules of finder, timing, alignment, format and version patterns: not data, never masked. */
  fixed: boolean[][];
}

const templates = new Map<number, Template>();
/** The function patterns of a version, with the format areas reserved (left light). */
function templateOf(version: number): Template {
  const cached = templates.get(version);
  if (cached) return cached;
  const size = 17 + 4 * version;
  const dark = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  const fixed = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  const set = (r: number, c: number, d: boolean) => {
    dark[r][c] = d;
    fixed[r][c] = true;
  };
  for (let i = 8; i < size - 8; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  // Finders with their light separators (the ring at distance 4, where it falls inside).
  for (const [r0, c0] of [
    [0, 0],
    [0, size - 7],
    [size - 7, 0],
  ]) {
    for (let dr = -1; dr <= 7; dr++) {
      for (let dc = -1; dc <= 7; dc++) {
        const r = r0 + dr;
        const c = c0 + dc;
        if (r < 0 || r >= size || c < 0 || c >= size) continue;
        const ring = Math.max(Math.abs(dr - 3), Math.abs(dc - 3));
        set(r, c, ring !== 2 && ring !== 4);
      }
    }
  }
  const align = alignmentPositions(version);
  const end = align.length - 1;
  for (let a = 0; a <= end; a++) {
    for (let b = 0; b <= end; b++) {
      // The three corners taken by finders carry none.
      if ((a === 0 && (b === 0 || b === end)) || (a === end && b === 0)) continue;
      for (let dr = -2; dr <= 2; dr++) for (let dc = -2; dc <= 2; dc++) set(align[a] + dr, align[b] + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
    }
  }
  for (const copy of formatCells(size)) for (const [r, c] of copy) set(r, c, false);
  set(size - 8, 8, true);
  if (version >= 7) {
    const bits = versionBits(version);
    for (let i = 0; i < 18; i++) {
      const d = ((bits >> i) & 1) === 1;
      set(Math.floor(i / 3), size - 11 + (i % 3), d);
      set(size - 11 + (i % 3), Math.floor(i / 3), d);
    }
  }
  const t = { size, dark, fixed };
  templates.set(version, t);
  return t;
}

/** Codewords in a version (the data modules / 8; the few left over are remainder bits). */
export function totalCodewords(version: number): number {
  const { fixed } = templateOf(version);
  let free = 0;
  for (const row of fixed) for (const f of row) if (!f) free++;
  return Math.floor(free / 8);
}

interface Layout {
  ecPerBlock: number;
  /** Data codewords of each block, short blocks first. */
  dataPerBlock: number[];
  dataCodewords: number;
}

function layoutOf(version: number, level: QrLevel): Layout {
  const total = totalCodewords(version);
  const blocks = BLOCKS[level][version - 1];
  const ecPerBlock = EC_PER_BLOCK[level][version - 1];
  // Blocks differ by at most one codeword; the longer ones come last.
  const shortLength = Math.floor(total / blocks);
  const longBlocks = total % blocks;
  const dataPerBlock = Array.from({ length: blocks }, (_, i) => shortLength - ecPerBlock + (i >= blocks - longBlocks ? 1 : 0));
  return { ecPerBlock, dataPerBlock, dataCodewords: total - blocks * ecPerBlock };
}

/** The most bytes a version and level hold in byte mode. */
export function byteCapacity(version: number, level: QrLevel): number {
  const countBits = version < 10 ? 8 : 16;
  return Math.floor((layoutOf(version, level).dataCodewords * 8 - 4 - countBits) / 8);
}

/** Mode, count, bytes, terminator and padding, as data codewords. */
function dataCodewords(bytes: Uint8Array, version: number, capacity: number): number[] {
  const bits: number[] = [];
  const push = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  push(0b0100, 4);
  push(bytes.length, version < 10 ? 8 : 16);
  for (const b of bytes) push(b, 8);
  push(0, Math.min(4, capacity * 8 - bits.length));
  push(0, (8 - (bits.length % 8)) % 8);
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 8) out.push(bits.slice(i, i + 8).reduce((acc, b) => (acc << 1) | b, 0));
  for (let pad = 0xec; out.length < capacity; pad ^= 0xec ^ 0x11) out.push(pad);
  return out;
}

/** Splits the data into blocks, adds each block's check codewords and interleaves them all. */
function interleave(data: number[], layout: Layout): number[] {
  const blocks: number[][] = [];
  const checks: Uint8Array[] = [];
  let at = 0;
  for (const length of layout.dataPerBlock) {
    const block = data.slice(at, at + length);
    at += length;
    blocks.push(block);
    checks.push(reedSolomon(block, layout.ecPerBlock));
  }
  const out: number[] = [];
  const longest = Math.max(...layout.dataPerBlock);
  for (let i = 0; i < longest; i++) for (const b of blocks) if (i < b.length) out.push(b[i]);
  for (let i = 0; i < layout.ecPerBlock; i++) for (const c of checks) out.push(c[i]);
  return out;
}

/** Whether mask pattern `mask` inverts the module at row i, column j. */
function maskHits(mask: number, i: number, j: number): boolean {
  switch (mask) {
    case 0:
      return (i + j) % 2 === 0;
    case 1:
      return i % 2 === 0;
    case 2:
      return j % 3 === 0;
    case 3:
      return (i + j) % 3 === 0;
    case 4:
      return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0;
    case 5:
      return ((i * j) % 2) + ((i * j) % 3) === 0;
    case 6:
      return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0;
    default:
      return (((i + j) % 2) + ((i * j) % 3)) % 2 === 0;
  }
}

/** Penalty rules 1 (runs) and 3 (finder-like 1:1:3:1:1 with four light modules on a side) for one line. */
function linePenalty(line: boolean[]): number {
  const n = line.length;
  let score = 0;
  let run = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && line[i] === line[i - 1]) run++;
    else {
      if (run >= 5) score += run - 2;
      run = 1;
    }
  }
  // Beyond the symbol is the light quiet zone.
  const at = (i: number) => i >= 0 && i < n && line[i];
  const light = (from: number) => !at(from) && !at(from + 1) && !at(from + 2) && !at(from + 3);
  for (let i = 0; i + 7 <= n; i++) {
    if (at(i) && !at(i + 1) && at(i + 2) && at(i + 3) && at(i + 4) && !at(i + 5) && at(i + 6) && (light(i - 4) || light(i + 7))) score += 40;
  }
  return score;
}

/** The standard's penalty score of a masked symbol (lower reads better). */
export function penalty(m: boolean[][]): number {
  const n = m.length;
  let score = 0;
  for (let r = 0; r < n; r++) score += linePenalty(m[r]);
  for (let c = 0; c < n; c++) score += linePenalty(m.map((row) => row[c]));
  let dark = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (m[r][c]) dark++;
      if (r + 1 < n && c + 1 < n && m[r][c] === m[r][c + 1] && m[r][c] === m[r + 1][c] && m[r][c] === m[r + 1][c + 1]) score += 3;
    }
  }
  // 10 points for each full 5% that the dark share is away from half.
  return score + 10 * Math.floor(Math.abs(dark * 20 - n * n * 10) / (n * n));
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw axonError('qr_option', name, `${min} to ${max}`, String(value));
}

/** Encodes `text` (as UTF-8 bytes) in the smallest version that holds it. */
export function encodeQr(text: string, opts: QrOptions = {}): QrCode {
  const level = opts.level ?? 'M';
  if (!(level in EC_PER_BLOCK)) throw axonError('qr_option', 'level', 'L, M, Q or H', String(level));
  const minVersion = opts.minVersion ?? QR_MIN_VERSION;
  const maxVersion = opts.maxVersion ?? QR_MAX_VERSION;
  checkInteger('minVersion', minVersion, QR_MIN_VERSION, QR_MAX_VERSION);
  checkInteger('maxVersion', maxVersion, minVersion, QR_MAX_VERSION);
  if (opts.mask !== undefined) checkInteger('mask', opts.mask, 0, 7);
  const bytes = new TextEncoder().encode(text);
  let version = minVersion;
  while (byteCapacity(version, level) < bytes.length) {
    if (version === maxVersion) throw axonError('qr_too_long', bytes.length, byteCapacity(maxVersion, level), level, maxVersion);
    version++;
  }
  const layout = layoutOf(version, level);
  const codewords = interleave(dataCodewords(bytes, version, layout.dataCodewords), layout);
  const { size, dark, fixed } = templateOf(version);

  // Data bits zigzag up and down two-module columns from the bottom right, skipping the timing
  // column; modules left over at the end are remainder bits (light).
  const base = dark.map((row) => [...row]);
  let bit = 0;
  let upward = true;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let k = 0; k < size; k++) {
      const r = upward ? size - 1 - k : k;
      for (const c of [right, right - 1]) {
        if (fixed[r][c]) continue;
        const byte = codewords[bit >> 3];
        base[r][c] = byte !== undefined && ((byte >> (7 - (bit & 7))) & 1) === 1;
        bit++;
      }
    }
    upward = !upward;
  }

  const [first, second] = formatCells(size);
  const withMask = (mask: number): boolean[][] => {
    const m = base.map((row, r) => row.map((d, c) => (fixed[r][c] ? d : d !== maskHits(mask, r, c))));
    const bits = formatBits(level, mask);
    for (let i = 0; i < 15; i++) {
      const d = ((bits >> i) & 1) === 1;
      m[first[i][0]][first[i][1]] = d;
      m[second[i][0]][second[i][1]] = d;
    }
    return m;
  };
  let best = { mask: opts.mask ?? 0, modules: withMask(opts.mask ?? 0) };
  if (opts.mask === undefined) {
    let bestScore = penalty(best.modules);
    for (let mask = 1; mask < 8; mask++) {
      const modules = withMask(mask);
      const score = penalty(modules);
      if (score < bestScore) {
        best = { mask, modules };
        bestScore = score;
      }
    }
  }
  return { version, level, mask: best.mask, size, modules: best.modules };
}

/** The module matrix of `text`: matrix[row][column], true for dark, no quiet zone. */
export function qrMatrix(text: string, opts?: QrOptions): boolean[][] {
  return encodeQr(text, opts).modules;
}

export interface TerminalOptions {
  /** Quiet zone in modules on each side (4, the standard's minimum, by default). */
  quiet?: number;
  /**
   * The terminal's text colour: 'light' (a dark theme, the default) draws the light modules as
   * blocks, 'dark' draws the dark ones. Either way the code reads dark-on-light.
   */
  foreground?: 'light' | 'dark';
}

/** The code as text, two module rows per line with the half blocks ▀ ▄ █ and spaces. */
export function qrToTerminal(modules: boolean[][], opts: TerminalOptions = {}): string {
  const quiet = opts.quiet ?? 4;
  const n = modules.length;
  const inked = opts.foreground === 'dark';
  // Outside the symbol (and the half row below an odd count) is quiet zone: light.
  const filled = (r: number, c: number) => (r >= 0 && r < n && c >= 0 && c < n && modules[r][c]) === inked;
  const lines: string[] = [];
  for (let r = -quiet; r < n + quiet; r += 2) {
    let line = '';
    for (let c = -quiet; c < n + quiet; c++) {
      const top = filled(r, c);
      const bottom = filled(r + 1, c);
      line += top ? (bottom ? '█' : '▀') : bottom ? '▄' : ' ';
    }
    lines.push(line);
  }
  return lines.join('\n');
}

export interface SvgOptions {
  /** Quiet zone in modules (4 by default). */
  quiet?: number;
  /** Rendered width and height in CSS pixels; the viewBox is in modules. Omitted: none set. */
  pixels?: number;
  dark?: string;
  light?: string;
}

/** The code as a standalone SVG: a light square and one path of dark runs. */
export function qrToSvg(modules: boolean[][], opts: SvgOptions = {}): string {
  const quiet = opts.quiet ?? 4;
  const n = modules.length;
  const side = n + 2 * quiet;
  let path = '';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; ) {
      if (!modules[r][c]) {
        c++;
        continue;
      }
      let run = 1;
      while (c + run < n && modules[r][c + run]) run++;
      path += `M${c + quiet} ${r + quiet}h${run}v1h-${run}z`;
      c += run;
    }
  }
  const size = opts.pixels === undefined ? '' : ` width="${opts.pixels}" height="${opts.pixels}"`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}"${size} shape-rendering="crispEdges">` +
    `<rect width="${side}" height="${side}" fill="${opts.light ?? '#fff'}"/><path d="${path}" fill="${opts.dark ?? '#000'}"/></svg>`
  );
}
