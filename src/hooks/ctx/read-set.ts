import type { CtxReadRanges } from '../../verifier/ctx-reads.js';

/**
 * The bytes of a context struct that some attached program may read: the
 * union of what the verifier found each one reads (a program without that
 * knowledge, unverified or handing its context pointer on, reads them
 * all). An event's image is cleared and filled only there: a field no
 * program reads costs nothing to build.
 */
export class CtxReadSet {
  /** Every byte is read. */
  readonly all: boolean;
  /** The read bytes as 8-byte-aligned [from, to) ranges, flat (what clear() zeroes). */
  readonly clearRanges: Int32Array;
  /** prefix[i]: how many bytes before i are read (reads() in O(1)). */
  private readonly prefix: Int32Array;

  private constructor(readonly size: number, ranges: CtxReadRanges) {
    this.all = ranges === null;
    this.prefix = new Int32Array(ranges === null ? 0 : size + 1);
    const read = new Uint8Array(size);
    if (ranges === null) read.fill(1);
    else for (const [from, to] of ranges) read.fill(1, Math.max(0, from), Math.min(size, to));
    for (let i = 0; ranges !== null && i < size; i++) this.prefix[i + 1] = this.prefix[i] + read[i];
    const words: number[] = [];
    for (let w = 0; w < size; w += 8) {
      if (!read.subarray(w, w + 8).includes(1)) continue;
      const end = Math.min(size, w + 8);
      if (words.length > 0 && words[words.length - 1] === w) words[words.length - 1] = end;
      else words.push(w, end);
    }
    this.clearRanges = Int32Array.from(words);
  }

  /** Every byte of a `size`-byte struct. */
  static all(size: number): CtxReadSet {
    return new CtxReadSet(size, null);
  }

  /** What any of `programs` reads (each one's ranges; null or undefined: all). */
  static of(size: number, programs: ReadonlyArray<CtxReadRanges | undefined>): CtxReadSet {
    const ranges: Array<readonly [number, number]> = [];
    for (const p of programs) {
      if (p === null || p === undefined) return CtxReadSet.all(size);
      ranges.push(...p);
    }
    return new CtxReadSet(size, ranges);
  }

  /** Whether a program may read any of bytes [offset, offset + length). */
  reads(offset: number, length: number): boolean {
    return this.all || this.prefix[Math.min(this.size, offset + length)] !== this.prefix[offset];
  }
}
