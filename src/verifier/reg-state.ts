import { RegType } from './reg-type.js';
import { TNUM_UNKNOWN, type Tnum } from './tnum.js';

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
 */
export class RegState {
  /** Base type | flag bits (see reg-type.ts). */
  type: number = RegType.NOT_INIT;
  /** Fixed offset of a pointer. */
  off = 0;
  varOff: Tnum = TNUM_UNKNOWN;
  smin = S64_MIN;
  smax = S64_MAX;
  umin = 0n;
  umax = U64_MAX;
  s32min = S32_MIN;
  s32max = S32_MAX;
  u32min = 0;
  u32max = U32_MAX;
  /** Shared by copies of one pointer (null checks, packet ranges) or of one scalar (linked bounds). */
  id = 0;
  /** Reference (acquired object) this pointer holds, 0 for none. */
  refObjId = 0;
  /** Index of the map for CONST_PTR_TO_MAP, PTR_TO_MAP_VALUE, PTR_TO_MAP_KEY; -1 otherwise. */
  map = -1;
  /** Bytes known to be readable past a packet pointer; negative: AT_PKT_END/BEYOND_PKT_END. */
  range = 0;
  /** Size of the memory a PTR_TO_MEM points to. */
  memSize = 0;
  /** Frame a PTR_TO_STACK points into. */
  frameno = 0;
  /** Sub-program a PTR_TO_FUNC points to. */
  subprogno = 0;
  /**
   * A scalar linked to the others with its id by a constant: this one is
   * theirs plus `off` (BPF_ADD_CONST), computed in 64 or 32 bits; 0 for none.
   */
  addConst: 0 | 32 | 64 = 0;
  /** The register may not be assumed to hold any particular value for pruning (see prune.ts). */
  precise = false;

  clone(): RegState {
    const r = new RegState();
    r.copyFrom(this);
    return r;
  }

  copyFrom(o: RegState): void {
    this.type = o.type;
    this.off = o.off;
    this.varOff = o.varOff;
    this.smin = o.smin;
    this.smax = o.smax;
    this.umin = o.umin;
    this.umax = o.umax;
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
