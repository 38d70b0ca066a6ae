import type { ListingSymbol } from './listing-types.js';

const utf8 = new TextEncoder();

function compareBytes(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/**
 * llvm-objdump's order of symbols in a section: by address, then name
 * (bytewise), then ELF type, stably. Of several symbols at one address it
 * shows the last that is not a data object.
 */
export function compareSymbols(a: ListingSymbol, b: ListingSymbol): number {
  return a.offset - b.offset || compareBytes(a.name, b.name) || a.type - b.type;
}

/** The section's symbols in llvm-objdump's order, with the dummy `<section>` symbol it adds when none is at offset 0. */
export function orderedSymbols(sectionName: string, executable: boolean, symbols: readonly ListingSymbol[]): ListingSymbol[] {
  const sorted = [...symbols].sort(compareSymbols);
  if (sorted.length === 0 || sorted[0].offset !== 0) {
    const dummy: ListingSymbol = { name: sectionName, offset: 0, type: executable ? 2 : 1 };
    // lower_bound: before the first symbol not less than the dummy.
    let at = 0;
    while (at < sorted.length && compareSymbols(sorted[at], dummy) < 0) at++;
    sorted.splice(at, 0, dummy);
  }
  return sorted;
}

/**
 * The last symbol at or before `target`, as llvm-objdump resolves branch
 * targets: `target` is an unsigned 64-bit byte offset (a branch before the
 * section start wraps around and so finds the last symbol).
 */
export function symbolAtOrBefore(sorted: readonly ListingSymbol[], target: bigint): ListingSymbol | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (BigInt(sorted[mid].offset) <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : sorted[lo - 1];
}
