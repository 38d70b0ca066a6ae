import type { Btf } from './btf.js';

/** Whether an array's element is C `char` (a 1-byte int named char, or with the CHAR encoding). */
export function isCharElement(btf: Btf, elemType: number): boolean {
  const t = btf.resolve(elemType);
  return t.kind === 'int' && t.size === 1 && t.bits === 8 && (t.char || t.name === 'char');
}

const ascii = new TextDecoder('latin1');
const printable = (b: number): boolean => b >= 0x20 && b <= 0x7e;

/**
 * The NUL-terminated printable text in a char array, or null when the bytes
 * are not a C string (no NUL, or a non-printable byte before it). With
 * `zeroTail`, bytes after the NUL must be zero too, so that the text
 * re-encodes to the same bytes.
 */
export function charArrayText(bytes: Uint8Array, offset: number, length: number, zeroTail: boolean): string | null {
  let end = -1;
  for (let i = 0; i < length; i++) {
    const b = bytes[offset + i];
    if (b === 0) { end = i; break; }
    if (!printable(b)) return null;
  }
  if (end < 0) return null;
  if (zeroTail) for (let i = end + 1; i < length; i++) if (bytes[offset + i] !== 0) return null;
  return ascii.decode(bytes.subarray(offset, offset + end));
}
