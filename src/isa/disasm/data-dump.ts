/**
 * llvm-objdump's dump of a data symbol (STT_OBJECT) found in a code section:
 * rows of up to 8 bytes, hex then printable ASCII, addresses in hex bytes.
 */
export function dumpData(bytes: Uint8Array, start: number, end: number): string[] {
  const lines: string[] = [];
  for (let at = start; at < end; at += 8) {
    const row = bytes.subarray(at, Math.min(at + 8, end));
    const hex = [...row].map((b) => ` ${b.toString(16).padStart(2, '0')}`).join('');
    const ascii = [...row].map((b) => (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8)}:${hex}${' '.repeat(3 * (8 - row.length))}         ${ascii}`);
  }
  return lines;
}
