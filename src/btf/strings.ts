import { BtfError } from './errors.js';

const decoder = new TextDecoder('utf-8');

/**
 * A BTF string section: NUL-terminated names addressed by byte offset.
 * For split BTF, offsets below `baseLength` belong to the base's strings.
 */
export class BtfStrings {
  private readonly cache = new Map<number, string>();

  constructor(
    readonly bytes: Uint8Array,
    readonly section: string,
    /** File offset of the string section inside `section`, for errors. */
    readonly fileOffset: number,
    readonly base: BtfStrings | null = null,
  ) {}

  get baseLength(): number {
    return this.base === null ? 0 : this.base.baseLength + this.base.bytes.length;
  }

  /** The string at `offset`; `where` is the byte offset of the reference, for errors. */
  get(offset: number, where: number): string {
    if (this.base !== null && offset < this.baseLength) return this.base.get(offset, where);
    const local = offset - this.baseLength;
    const hit = this.cache.get(local);
    if (hit !== undefined) return hit;
    if (local >= this.bytes.length) {
      throw new BtfError(`name offset ${offset} is outside the string section (${this.bytes.length} bytes)`, this.section, where);
    }
    const end = this.bytes.indexOf(0, local);
    if (end < 0) throw new BtfError(`string at offset ${offset} is not NUL-terminated`, this.section, this.fileOffset + local);
    // Names are short ASCII: building them by hand beats TextDecoder's per-call cost.
    let text = '';
    for (let i = local; i < end; i++) {
      const b = this.bytes[i];
      if (b >= 0x80 || end - local > 256) { text = decoder.decode(this.bytes.subarray(local, end)); break; }
      text += String.fromCharCode(b);
    }
    this.cache.set(local, text);
    return text;
  }
}
