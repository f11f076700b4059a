// Bytes to and from base64 in the browser (the API is JSON: uploads and downloads travel as text).

/** String.fromCharCode takes this many arguments at a time without overflowing the stack. */
const SPREAD = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let text = '';
  for (let at = 0; at < bytes.length; at += SPREAD) text += String.fromCharCode(...bytes.subarray(at, at + SPREAD));
  return btoa(text);
}

export function base64ToBytes(b64: string): Uint8Array {
  const text = atob(b64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
