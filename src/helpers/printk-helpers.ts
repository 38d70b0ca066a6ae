import type { HelperContext } from '../engine/abi.js';
import { EINVAL } from '../maps/errno.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { bprintf, type BprintfMemory } from './bprintf.js';
import { guestCString, guestRange, probeRange, probeString } from './guest-memory.js';
import { helperRuntime } from './runtime.js';
import { runCpu } from './run-context.js';
import { ret, u32, u64 } from './args.js';

/** MAX_BPRINTF_BUF: the formatted message is cut to 511 bytes. */
const MAX_BPRINTF_BUF = 512;
/** MAX_BPRINTF_VARARGS: trace_vprintk and snprintf take up to 12 arguments. */
const MAX_BPRINTF_VARARGS = 12;

const utf8 = new TextDecoder('utf-8');

function memoryOf(env: HelperContext): BprintfMemory {
  return {
    string: (pointer, max) => probeString(env.arena, pointer, max),
    bytes: (pointer, size) => {
      const off = probeRange(env.arena, pointer, size);
      return off < 0 ? null : env.arena.bytes.slice(off, off + size);
    },
  };
}

/** The format of trace_printk/trace_vprintk: fmt_size bytes that must hold a NUL; the bytes before it, or null. */
function sizedFormat(env: HelperContext, pointer: bigint, size: number): Uint8Array | null {
  const off = guestRange(env, pointer, size, false);
  const bytes = env.arena.bytes.subarray(off, off + size);
  const nul = bytes.indexOf(0);
  return nul < 0 ? null : bytes.slice(0, nul);
}

/** The u64 arguments of trace_vprintk/snprintf, or null when data_len is refused. */
function argArray(env: HelperContext, pointer: bigint, dataLen: number): bigint[] | null {
  if ((dataLen & 7) !== 0 || dataLen > MAX_BPRINTF_VARARGS * 8 || (dataLen > 0 && u64(pointer) === 0n)) return null;
  const off = guestRange(env, pointer, dataLen, false);
  const view = env.arena.view;
  return Array.from({ length: dataLen / 8 }, (_, i) => view.getBigUint64(off + i * 8, true));
}

/** Formats and writes one trace record; returns what bstr_printf returns (the untruncated length). */
function tracePrint(env: HelperContext, fmt: Uint8Array, args: readonly bigint[]): bigint {
  const out = bprintf(fmt, args, memoryOf(env));
  if (typeof out === 'number') return ret(out);
  const runtime = helperRuntime(env.arena);
  const bytes = out.slice(0, MAX_BPRINTF_BUF - 1);
  runtime.tracePipe.write({
    timestampNs: runtime.clock.monotonicNs(),
    cpu: runCpu(env),
    pid: runtime.task.pid,
    comm: runtime.task.comm,
    message: utf8.decode(bytes),
    bytes,
  });
  return BigInt(out.length);
}

/** bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3): at most 3 conversions; output to the trace pipe. */
const tracePrintk = defineHelper('trace_printk', ['ARG_PTR_TO_MEM', 'ARG_CONST_SIZE'], 'RET_INTEGER', (env, r1, r2, r3, r4, r5) => {
  const fmt = sizedFormat(env, r1, u32(r2));
  return fmt === null ? ret(-EINVAL) : tracePrint(env, fmt, [u64(r3), u64(r4), u64(r5)]);
}, { gplOnly: true });

/** bpf_trace_vprintk(fmt, fmt_size, args, data_len): like trace_printk with up to 12 u64 arguments in an array. */
const traceVprintk = defineHelper('trace_vprintk', ['ARG_PTR_TO_MEM', 'ARG_CONST_SIZE', 'ARG_PTR_TO_MEM_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO'], 'RET_INTEGER', (env, r1, r2, r3, r4) => {
  const args = argArray(env, r3, u32(r4));
  if (args === null) return ret(-EINVAL);
  const fmt = sizedFormat(env, r1, u32(r2));
  return fmt === null ? ret(-EINVAL) : tracePrint(env, fmt, args);
}, { gplOnly: true });

/**
 * bpf_snprintf(str, str_size, fmt, data, data_len): formats into str (cut to
 * str_size - 1 bytes and NUL-terminated when str_size > 0); returns the full
 * length plus one for the NUL.
 */
const snprintf = defineHelper('snprintf', ['ARG_PTR_TO_MEM_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_PTR_TO_CONST_STR', 'ARG_PTR_TO_MEM_OR_NULL', 'ARG_CONST_SIZE_OR_ZERO'], 'RET_INTEGER', (env, r1, r2, r3, r4, r5) => {
  const args = argArray(env, r4, u32(r5));
  if (args === null) return ret(-EINVAL);
  const out = bprintf(guestCString(env, r3), args, memoryOf(env));
  if (typeof out === 'number') return ret(out);
  const size = u32(r2);
  if (size > 0) {
    const dst = guestRange(env, r1, size, true);
    const n = Math.min(out.length, size - 1);
    env.arena.bytes.set(out.subarray(0, n), dst);
    env.arena.bytes[dst + n] = 0;
  }
  return BigInt(out.length + 1);
}, { gplOnly: true });

export const PRINTK_HELPERS: readonly HelperDefinition[] = [tracePrintk, traceVprintk, snprintf];
