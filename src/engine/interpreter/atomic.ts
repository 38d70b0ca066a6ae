import { BPF_ADD, BPF_AND, BPF_CMPXCHG, BPF_FETCH, BPF_OR, BPF_XCHG, BPF_XOR } from '../../isa/opcodes.js';

// BPF_ATOMIC read-modify-writes at arena offset `o` (already checked for a
// write of the full size). JavaScript runs one program at a time on the
// arena, so a plain read then write is atomic. Fetch forms put the old value
// in src; cmpxchg compares with r0 and puts the old value in r0. The 32-bit
// forms zero-extend what they load into a register, as the kernel does.

export function atomic64(lo: Int32Array, hi: Int32Array, dv: DataView, o: number, op: number, s: number): void {
  const ml = dv.getInt32(o, true);
  const mh = dv.getInt32(o + 4, true);
  const sl = lo[s];
  const sh = hi[s];
  let nl: number;
  let nh: number;
  switch (op & ~BPF_FETCH) {
    case BPF_ADD: {
      const sum = (ml >>> 0) + (sl >>> 0);
      nl = sum | 0;
      nh = (mh + sh + (sum > 0xffffffff ? 1 : 0)) | 0;
      break;
    }
    case BPF_OR: nl = ml | sl; nh = mh | sh; break;
    case BPF_AND: nl = ml & sl; nh = mh & sh; break;
    case BPF_XOR: nl = ml ^ sl; nh = mh ^ sh; break;
    case BPF_XCHG & ~BPF_FETCH: nl = sl; nh = sh; break;
    case BPF_CMPXCHG & ~BPF_FETCH: {
      const equal = ml === lo[0] && mh === hi[0];
      if (equal) {
        dv.setInt32(o, sl, true);
        dv.setInt32(o + 4, sh, true);
      }
      lo[0] = ml;
      hi[0] = mh;
      return;
    }
    default: throw new Error(`unreachable atomic op ${op}`);
  }
  dv.setInt32(o, nl, true);
  dv.setInt32(o + 4, nh, true);
  if (op & BPF_FETCH) {
    lo[s] = ml;
    hi[s] = mh;
  }
}

export function atomic32(lo: Int32Array, hi: Int32Array, dv: DataView, o: number, op: number, s: number): void {
  const m = dv.getInt32(o, true);
  const v = lo[s];
  let n: number;
  switch (op & ~BPF_FETCH) {
    case BPF_ADD: n = (m + v) | 0; break;
    case BPF_OR: n = m | v; break;
    case BPF_AND: n = m & v; break;
    case BPF_XOR: n = m ^ v; break;
    case BPF_XCHG & ~BPF_FETCH: n = v; break;
    case BPF_CMPXCHG & ~BPF_FETCH: {
      if (m === lo[0]) dv.setInt32(o, v, true);
      lo[0] = m;
      hi[0] = 0;
      return;
    }
    default: throw new Error(`unreachable atomic op ${op}`);
  }
  dv.setInt32(o, n, true);
  if (op & BPF_FETCH) {
    lo[s] = m;
    hi[s] = 0;
  }
}
