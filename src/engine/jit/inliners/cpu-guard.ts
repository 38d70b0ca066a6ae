import type { InlineSite } from '../inline.js';
import { Op, VOID } from '../wasm-opcodes.js';

/**
 * Emits `fast` for a per-CPU map (`nCpus` > 0) only when the run's CPU is
 * one the map has, and the helper call otherwise (which reports the bad
 * CPU as the interpreter does); for other maps (`nCpus` 0), just `fast`.
 */
export function withCpuGuard(site: InlineSite, nCpus: number, fast: () => void): void {
  if (nCpus === 0) {
    fast();
    return;
  }
  const w = site.emitter.w;
  site.emitRunCpu();
  site.emitter.i32(nCpus);
  w.u8(Op.i32_lt_u);
  w.u8x2(Op.if, VOID);
  fast();
  w.u8(Op.else);
  site.emitHelperCall();
  w.u8(Op.end);
}
