// Consistent Overhead Byte Stuffing: the encoded bytes hold no zero, so a zero can end a frame.
// Each block is a code byte n (1..255) then n-1 data bytes; a block shorter than 255 stands for
// its data followed by a zero, which the end of the frame drops.

/** Encodes `data` (any bytes); the result has no zero byte and no delimiter. */
export function cobsEncode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + Math.floor(data.length / 254) + 1);
  let codeAt = 0;
  let o = 1;
  let code = 1;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i];
    if (byte !== 0) {
      out[o++] = byte;
      code++;
    }
    if (byte === 0 || code === 0xff) {
      out[codeAt] = code;
      code = 1;
      codeAt = o;
      // A full block that ends the data needs no empty block after it (the canonical form).
      if (byte === 0 || i < data.length - 1) o++;
    }
  }
  if (codeAt < o) out[codeAt] = code;
  return out.subarray(0, o);
}

/** Decodes one frame without its delimiter; null when a block points past the end or a zero is inside. */
export function cobsDecode(encoded: Uint8Array): Uint8Array | null {
  const out = new Uint8Array(encoded.length);
  let o = 0;
  let i = 0;
  while (i < encoded.length) {
    const code = encoded[i++];
    if (code === 0 || i + code - 1 > encoded.length) return null;
    for (let end = i + code - 1; i < end; i++) {
      if (encoded[i] === 0) return null;
      out[o++] = encoded[i];
    }
    if (code !== 0xff && i < encoded.length) out[o++] = 0;
  }
  return out.subarray(0, o);
}
