import type { Arena } from '../memory/arena.js';
import { ARENA_BASE } from '../memory/arena.js';
import { MemoryAccessError } from '../memory/errors.js';
import type { HelperContext } from '../engine/abi.js';
import { untrackedRecordEnd } from '../maps/ringbuf-map.js';
import type { RunContext } from './run-context.js';

const FOUR_GIB = 0x1_0000_0000n;

/**
 * Arena offset of a program pointer, or -1. A pointer is ARENA_BASE +
 * offset; a zero-extended 32-bit offset is accepted too, because the packet
 * pointers of struct xdp_md and struct __sk_buff are __u32 fields that hold
 * the low 32 bits of the pointer (see src/progtypes).
 */
export function pointerOffset(arena: Arena, pointer: bigint): number {
  let off = pointer - ARENA_BASE;
  if (off < 0n || off >= FOUR_GIB) {
    // Engines may pass registers signed; and packet pointers come zero-extended from u32 ctx fields.
    const p = BigInt.asUintN(64, pointer);
    off = p < FOUR_GIB ? p : p - ARENA_BASE;
    if (off < 0n || off >= FOUR_GIB) return -1;
  }
  const n = Number(off);
  return n < arena.size ? n : -1;
}


/**
 * The arena offset of `size` bytes at `pointer` that a helper reads or
 * writes on the program's behalf (memory the verifier checks for the
 * program): they must lie in one region that allows the access, else the run
 * stops with a MemoryAccessError at the call's pc, as a load or store would.
 * Verified code run unchecked (RunSettings.trustedArguments) is not checked
 * again: the verifier has proven the range.
 */
export function guestRange(env: HelperContext, pointer: bigint, size: number, write: boolean): number {
  const off = pointerOffset(env.arena, pointer);
  if (off < 0) throw new MemoryAccessError(env.pc, BigInt.asUintN(64, pointer), size, write, null, 'helper argument is not an arena address');
  if (size > 0 && (env as RunContext).trustedArguments !== true) env.arena.check(env.pc, off, size, write);
  return off;
}

/**
 * For probe_read and friends (memory the program may not own): the offset
 * when every byte of the range lies in some region (regions may follow one
 * another), -1 when it would fault.
 */
export function probeRange(arena: Arena, pointer: bigint, size: number): number {
  const off = pointerOffset(arena, pointer);
  return off < 0 ? -1 : probeOffsetRange(arena, off, size);
}

/** probeRange() of an arena offset (the JIT's inlined probe reads pass offsets, not BigInt pointers). */
export function probeOffsetRange(arena: Arena, off: number, size: number): number {
  let at = off;
  const end = off + size;
  while (at < end) {
    const next = readableEnd(arena, at);
    if (next < 0) return -1;
    at = next;
  }
  return off;
}

/**
 * Where readable memory from `at` ends: the end of its region, or of the
 * ring buffer record it lies in when that record has no region (reserved by
 * the JIT's fast path); -1 when nothing is there.
 */
function readableEnd(arena: Arena, at: number): number {
  const region = arena.regionAt(at);
  return region ? region.end : untrackedRecordEnd(arena, at);
}

/**
 * Copies a NUL-terminated string of at most `max` bytes (NUL included)
 * from readable memory, as strncpy_from_kernel_nofault: the bytes without
 * the NUL, truncated to max - 1; null when a byte before the end faults.
 */
export function probeString(arena: Arena, pointer: bigint, max: number): Uint8Array | null {
  if (max <= 0) return new Uint8Array(0);
  const off = pointerOffset(arena, pointer);
  if (off < 0) return null;
  const n = probeStringLength(arena, off, max);
  return n < 0 ? null : arena.bytes.slice(off, off + n);
}

/** probeString()'s length (without the NUL) of the string at arena offset `off`, or -1 when it faults; max >= 1. */
export function probeStringLength(arena: Arena, off: number, max: number): number {
  const bytes = arena.bytes;
  let at = off;
  let regionEnd = 0;
  for (let n = 0; n < max - 1; n++, at++) {
    if (at >= regionEnd) {
      regionEnd = readableEnd(arena, at);
      if (regionEnd < 0) return -1;
    }
    if (bytes[at] === 0) break;
  }
  return at - off;
}

/** The NUL-terminated string at `pointer` inside one readable region (ARG_PTR_TO_CONST_STR); stops the run if it has none. */
export function guestCString(env: HelperContext, pointer: bigint): Uint8Array {
  const off = guestRange(env, pointer, 1, false);
  const region = env.arena.regionAt(off)!;
  const bytes = env.arena.bytes;
  for (let at = off; at < region.end; at++) if (bytes[at] === 0) return bytes.slice(off, at);
  throw new MemoryAccessError(env.pc, BigInt.asUintN(64, pointer), region.end - off + 1, false, region.name, 'string is not NUL-terminated');
}
