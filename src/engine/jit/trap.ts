import type { TrapTable } from './compile.js';
import { JitTrapError } from './errors.js';

const FRAME = /wasm-function\[(\d+)\]:0x([0-9a-f]+)/;

/**
 * Maps a WebAssembly trap to the instruction that raised it, from the first
 * JIT frame of its stack trace (`wasm-function[F]:0xOFFSET`, a module byte
 * offset) and the code offsets recorded for each memory access. Returns null
 * when the trace does not say.
 */
export function trapToError(err: WebAssembly.RuntimeError, table: TrapTable): JitTrapError | null {
  const match = FRAME.exec(err.stack ?? '');
  if (!match) return null;
  const fn = table.functions.get(Number(match[1]));
  if (!fn) return null;
  const offset = parseInt(match[2], 16);
  // last recorded access at or before the trapping byte
  let lo = 0;
  let hi = fn.offsets.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (fn.offsets[mid] <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found < 0 ? null : new JitTrapError(fn.pcs[found], err.message);
}
