import { ElfError } from './errors.js';

const decoder = new TextDecoder('utf-8');

/**
 * The NUL-terminated string at `offset` in a string table. `where` names the
 * table for errors; `fileOffset` is the table's offset in the file.
 */
export function readCString(table: Uint8Array, offset: number, where: string, fileOffset: number): string {
  if (offset >= table.length) {
    if (offset === 0 && table.length === 0) return '';
    throw new ElfError(`string offset ${offset} is outside the string table (${table.length} bytes)`, where, fileOffset + Math.min(offset, table.length));
  }
  const end = table.indexOf(0, offset);
  if (end < 0) throw new ElfError(`string at offset ${offset} is not NUL-terminated`, where, fileOffset + offset);
  return decoder.decode(table.subarray(offset, end));
}
