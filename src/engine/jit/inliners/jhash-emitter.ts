import type { FunctionEmitter } from '../function-emitter.js';
import { Op } from '../wasm-opcodes.js';

/** Locals (i32) the hash code uses: the key's arena offset, and lookup3's state a, b, c (c ends as the hash). */
export interface JhashLocals {
  readonly key: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

const JHASH_INITVAL = 0xdeadbeef;

/**
 * Emits the kernel's htab_map_hash() of the `keySize` bytes at arena offset
 * `key`, with seed 0 (what src/maps/hash-table.ts uses), unrolled for the
 * constant key size; the hash is left in `c`. jhash2 (key sizes that are a
 * multiple of 4) and jhash compute the same thing on such keys: the same
 * initial value (length in bytes), the same 12-byte rounds while more than 12
 * bytes are left, and the last 1..12 bytes added as little-endian words.
 * `markLoad` is called before each load of the key (it may trap).
 */
export function emitMapHash(e: FunctionEmitter, keySize: number, l: JhashLocals, markLoad: () => void): void {
  const w = e.w;
  e.i32((JHASH_INITVAL + keySize) | 0);
  e.localTee(l.a);
  e.localTee(l.b);
  e.localSet(l.c);

  /** target += the little-endian value of `n` (1..4) key bytes at `off`. */
  const addWord = (target: number, off: number, n: number): void => {
    e.localGet(target);
    loadPartial(e, l.key, off, n, markLoad);
    w.u8(Op.i32_add);
    e.localSet(target);
  };

  let off = 0;
  while (keySize - off > 12) {
    addWord(l.a, off, 4);
    addWord(l.b, off + 4, 4);
    addWord(l.c, off + 8, 4);
    emitMix(e, l);
    off += 12;
  }
  const tail = keySize - off;
  if (tail === 0) return;
  addWord(l.a, off, Math.min(tail, 4));
  if (tail > 4) addWord(l.b, off + 4, Math.min(tail - 4, 4));
  if (tail > 8) addWord(l.c, off + 8, tail - 8);
  emitFinal(e, l);
}

/** Pushes the little-endian u32 of `n` bytes (1..4) at key + off, zero-extended. */
function loadPartial(e: FunctionEmitter, key: number, off: number, n: number, markLoad: () => void): void {
  const load = (opcode: number, at: number): void => {
    e.localGet(key);
    markLoad();
    e.mem(opcode, 0, at);
  };
  switch (n) {
    case 4:
      load(Op.i32_load, off);
      return;
    case 3:
      load(Op.i32_load16_u, off);
      load(Op.i32_load8_u, off + 2);
      e.i32(16);
      e.w.u8(Op.i32_shl);
      e.w.u8(Op.i32_or);
      return;
    case 2:
      load(Op.i32_load16_u, off);
      return;
    default:
      load(Op.i32_load8_u, off);
  }
}

/** x = (x - y) ^ rol32(y, r); y += z: one line of __jhash_mix. */
function mixStep(e: FunctionEmitter, x: number, y: number, z: number, r: number): void {
  const w = e.w;
  e.localGet(x);
  e.localGet(y);
  w.u8(Op.i32_sub);
  e.localGet(y);
  e.i32(r);
  w.u8(Op.i32_rotl);
  w.u8(Op.i32_xor);
  e.localSet(x);
  e.localGet(y);
  e.localGet(z);
  w.u8(Op.i32_add);
  e.localSet(y);
}

/** x = (x ^ y) - rol32(y, r): one line of __jhash_final. */
function finalStep(e: FunctionEmitter, x: number, y: number, r: number): void {
  const w = e.w;
  e.localGet(x);
  e.localGet(y);
  w.u8(Op.i32_xor);
  e.localGet(y);
  e.i32(r);
  w.u8(Op.i32_rotl);
  w.u8(Op.i32_sub);
  e.localSet(x);
}

function emitMix(e: FunctionEmitter, { a, b, c }: JhashLocals): void {
  mixStep(e, a, c, b, 4);
  mixStep(e, b, a, c, 6);
  mixStep(e, c, b, a, 8);
  mixStep(e, a, c, b, 16);
  mixStep(e, b, a, c, 19);
  mixStep(e, c, b, a, 4);
}

function emitFinal(e: FunctionEmitter, { a, b, c }: JhashLocals): void {
  finalStep(e, c, b, 14);
  finalStep(e, a, c, 11);
  finalStep(e, b, a, 25);
  finalStep(e, c, b, 16);
  finalStep(e, a, c, 4);
  finalStep(e, b, a, 14);
  finalStep(e, c, b, 24);
}
