import { hiOf, loOf, toBigS, toBigU } from './i64.js';
import { RegType } from './reg-type.js';
import type { Tnum } from './tnum.js';

export const S64_MIN = -(1n << 63n);
export const S64_MAX = (1n << 63n) - 1n;
export const U64_MAX = (1n << 64n) - 1n;
export const S32_MIN = -0x80000000;
export const S32_MAX = 0x7fffffff;
export const U32_MAX = 0xffffffff;

/**
 * The abstract value of one register (struct bpf_reg_state): its type, the
 * fixed and variable offset of a pointer or the value of a scalar (a tnum plus
 * signed/unsigned 64- and 32-bit bounds), and the identities that tie copies
 * together (id, ref_obj_id).
 *
 * The tnum and the 64-bit bounds are held as 32-bit halves (see i64.ts):
 * `vHi`/`vLo` and `mHi`/`mLo` for var_off's value and mask, `sminHi`/`sminLo`
 * and so on for the bounds. The bigint properties (`varOff`, `smin`, `smax`,
 * `umin`, `umax`) read and write the same values for code off the hot paths.
 */
export class RegState {
  /** Base type | flag bits (see reg-type.ts). */
  declare type: number;
  /** Fixed offset of a pointer. */
  declare off: number;
  /** var_off.value, high and low halves. */
  declare vHi: number;
  declare vLo: number;
  /** var_off.mask, high and low halves. */
  declare mHi: number;
  declare mLo: number;
  /** smin_value */
  declare sminHi: number;
  declare sminLo: number;
  /** smax_value */
  declare smaxHi: number;
  declare smaxLo: number;
  /** umin_value */
  declare uminHi: number;
  declare uminLo: number;
  /** umax_value */
  declare umaxHi: number;
  declare umaxLo: number;
  declare s32min: number;
  declare s32max: number;
  declare u32min: number;
  declare u32max: number;
  /** Shared by copies of one pointer (null checks, packet ranges) or of one scalar (linked bounds). */
  declare id: number;
  /** Reference (acquired object) this pointer holds, 0 for none. */
  declare refObjId: number;
  /** Index of the map for CONST_PTR_TO_MAP, PTR_TO_MAP_VALUE, PTR_TO_MAP_KEY; -1 otherwise. */
  declare map: number;
  /** Bytes known to be readable past a packet pointer; negative: AT_PKT_END/BEYOND_PKT_END. */
  declare range: number;
  /** Size of the memory a PTR_TO_MEM points to. */
  declare memSize: number;
  /** Frame a PTR_TO_STACK points into. */
  declare frameno: number;
  /** Sub-program a PTR_TO_FUNC points to. */
  declare subprogno: number;
  /**
   * A scalar linked to the others with its id by a constant: this one is
   * theirs plus `off` (BPF_ADD_CONST), computed in 64 or 32 bits; 0 for none.
   */
  declare addConst: 0 | 32 | 64;
  /** The register may not be assumed to hold any particular value for pruning (see prune.ts). */
  declare precise: boolean;

  /** A copy of `src`, or NOT_INIT with unknown bounds. */
  constructor(src?: RegState) {
    // Both branches set every field in the same order (one object shape).
    if (src) {
      this.type = src.type;
      this.off = src.off;
      this.vHi = src.vHi;
      this.vLo = src.vLo;
      this.mHi = src.mHi;
      this.mLo = src.mLo;
      this.sminHi = src.sminHi;
      this.sminLo = src.sminLo;
      this.smaxHi = src.smaxHi;
      this.smaxLo = src.smaxLo;
      this.uminHi = src.uminHi;
      this.uminLo = src.uminLo;
      this.umaxHi = src.umaxHi;
      this.umaxLo = src.umaxLo;
      this.s32min = src.s32min;
      this.s32max = src.s32max;
      this.u32min = src.u32min;
      this.u32max = src.u32max;
      this.id = src.id;
      this.refObjId = src.refObjId;
      this.map = src.map;
      this.range = src.range;
      this.memSize = src.memSize;
      this.frameno = src.frameno;
      this.subprogno = src.subprogno;
      this.addConst = src.addConst;
      this.precise = src.precise;
    } else {
      this.type = RegType.NOT_INIT;
      this.off = 0;
      this.vHi = 0;
      this.vLo = 0;
      this.mHi = -1;
      this.mLo = -1;
      this.sminHi = -0x80000000;
      this.sminLo = 0;
      this.smaxHi = 0x7fffffff;
      this.smaxLo = -1;
      this.uminHi = 0;
      this.uminLo = 0;
      this.umaxHi = -1;
      this.umaxLo = -1;
      this.s32min = S32_MIN;
      this.s32max = S32_MAX;
      this.u32min = 0;
      this.u32max = U32_MAX;
      this.id = 0;
      this.refObjId = 0;
      this.map = -1;
      this.range = 0;
      this.memSize = 0;
      this.frameno = 0;
      this.subprogno = 0;
      this.addConst = 0;
      this.precise = false;
    }
  }

  /** var_off as a bigint tnum (a copy: assign the property to change it). */
  get varOff(): Tnum {
    return { value: toBigU(this.vHi, this.vLo), mask: toBigU(this.mHi, this.mLo) };
  }

  set varOff(t: Tnum) {
    this.vHi = hiOf(t.value);
    this.vLo = loOf(t.value);
    this.mHi = hiOf(t.mask);
    this.mLo = loOf(t.mask);
  }

  get smin(): bigint { return toBigS(this.sminHi, this.sminLo); }
  set smin(v: bigint) { this.sminHi = hiOf(v); this.sminLo = loOf(v); }
  get smax(): bigint { return toBigS(this.smaxHi, this.smaxLo); }
  set smax(v: bigint) { this.smaxHi = hiOf(v); this.smaxLo = loOf(v); }
  get umin(): bigint { return toBigU(this.uminHi, this.uminLo); }
  set umin(v: bigint) { this.uminHi = hiOf(v); this.uminLo = loOf(v); }
  get umax(): bigint { return toBigU(this.umaxHi, this.umaxLo); }
  set umax(v: bigint) { this.umaxHi = hiOf(v); this.umaxLo = loOf(v); }

  /** var_off is a known constant. */
  isConst(): boolean {
    return (this.mHi | this.mLo) === 0;
  }

  clone(): RegState {
    return new RegState(this);
  }

  copyFrom(o: RegState): void {
    this.type = o.type;
    this.off = o.off;
    this.vHi = o.vHi;
    this.vLo = o.vLo;
    this.mHi = o.mHi;
    this.mLo = o.mLo;
    this.sminHi = o.sminHi;
    this.sminLo = o.sminLo;
    this.smaxHi = o.smaxHi;
    this.smaxLo = o.smaxLo;
    this.uminHi = o.uminHi;
    this.uminLo = o.uminLo;
    this.umaxHi = o.umaxHi;
    this.umaxLo = o.umaxLo;
    this.s32min = o.s32min;
    this.s32max = o.s32max;
    this.u32min = o.u32min;
    this.u32max = o.u32max;
    this.id = o.id;
    this.refObjId = o.refObjId;
    this.map = o.map;
    this.range = o.range;
    this.memSize = o.memSize;
    this.frameno = o.frameno;
    this.subprogno = o.subprogno;
    this.precise = o.precise;
    this.addConst = o.addConst;
  }
}

/** Packet pointer ranges that say where the pointer is relative to data_end. */
export const AT_PKT_END = -1;
export const BEYOND_PKT_END = -2;
