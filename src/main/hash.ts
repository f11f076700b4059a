import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** 32-bit FNV-1a of some bytes, as 8 hex digits (identity checks, not security). */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** SHA-256 of a file, read in chunks, as 64 hex digits (the checksums in a set's manifest). */
export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
