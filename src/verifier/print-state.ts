// Register and stack state in the kernel's log format (print_verifier_state,
// print_reg_state, print_scalar_ranges).
import type { FuncState } from './func-state.js';
import { BPF_REG_SIZE, SLOT_TYPE_CHAR, SlotType } from './func-state.js';
import type { VerifierMap as MapDesc } from './maps.js';
import { RegState, S32_MAX, S32_MIN, S64_MAX, S64_MIN, U32_MAX, U64_MAX } from './reg-state.js';
import { RegType, baseType, regTypeStr, typeIsMapPtr, typeIsPktPointer } from './reg-type.js';
import { tnumIsConst, tnumIsUnknown, tnumStr } from './tnum.js';
import type { VerifierState } from './verifier-state.js';

const isUnumDecimal = (v: bigint): boolean => v >= 0n && v <= 0xffffn;
const isSnumDecimal = (v: bigint): boolean => v >= -0x8000n && v <= 0x7fffn;

/** verbose_snum: values in [-32768, 32767] in decimal, others as %#llx of the 64-bit pattern. */
export function snum(v: bigint): string {
  const s = BigInt.asIntN(64, v);
  if (isSnumDecimal(s)) return s.toString();
  return `0x${BigInt.asUintN(64, v).toString(16)}`;
}

/** verbose_unum */
export function unum(v: bigint): string {
  const u = BigInt.asUintN(64, v);
  return isUnumDecimal(u) ? u.toString() : `0x${u.toString(16)}`;
}

const s32Val = (v: number): bigint => (isSnumDecimal(BigInt(v)) ? BigInt(v) : BigInt(v >>> 0));

function scalarRanges(r: RegState): string[] {
  const m: Array<{ name: string; val: bigint; omit: boolean; signed: boolean }> = [
    { name: 'smin', val: r.smin, omit: r.smin === S64_MIN, signed: true },
    { name: 'smax', val: r.smax, omit: r.smax === S64_MAX, signed: true },
    { name: 'umin', val: r.umin, omit: r.umin === 0n, signed: false },
    { name: 'umax', val: r.umax, omit: r.umax === U64_MAX, signed: false },
    // 32-bit signed bounds printed in hex are not sign-extended.
    { name: 'smin32', val: s32Val(r.s32min), omit: r.s32min === S32_MIN, signed: true },
    { name: 'smax32', val: s32Val(r.s32max), omit: r.s32max === S32_MAX, signed: true },
    { name: 'umin32', val: BigInt(r.u32min), omit: r.u32min === 0, signed: false },
    { name: 'umax32', val: BigInt(r.u32max), omit: r.u32max === U32_MAX, signed: false },
  ];
  const out: string[] = [];
  for (let i = 0; i < m.length; i++) {
    const m1 = m[i];
    if (m1.omit) continue;
    const neg1 = m1.signed && BigInt.asIntN(64, m1.val) < 0n;
    let text = `${m1.name}=`;
    for (let j = i + 2; j < m.length; j += 2) {
      const m2 = m[j];
      if (m2.omit || BigInt.asUintN(64, m2.val) !== BigInt.asUintN(64, m1.val)) continue;
      const neg2 = m2.signed && BigInt.asIntN(64, m2.val) < 0n;
      if (neg1 === neg2) {
        text += `${m2.name}=`;
        m2.omit = true;
      }
    }
    text += m1.signed ? snum(m1.val) : unum(m1.val);
    out.push(text);
  }
  return out;
}

/** print_reg_state: e.g. `scalar(smin=0,smax=255)`, `map_value(id=1,ks=8,vs=8)`, `fp-8`, `42`. */
export function regStateStr(r: RegState, frame: FuncState, maps: readonly MapDesc[]): string {
  const t = r.type;
  let s = '';
  if (t === RegType.SCALAR_VALUE && r.precise) s += 'P';
  if (t === RegType.SCALAR_VALUE && tnumIsConst(r.varOff)) return s + snum(r.varOff.value);
  s += regTypeStr(t);
  if (t === RegType.PTR_TO_STACK) {
    if (frame.frameno !== r.frameno) s += `[${r.frameno}]`;
    if (tnumIsConst(r.varOff)) return s + snum(r.varOff.value + BigInt(r.off));
  }
  const parts: string[] = [];
  if (r.id) parts.push(`id=${r.id}${r.addConst ? (r.off >= 0 ? `+${r.off}` : `${r.off}`) : ''}`);
  if (r.refObjId) parts.push(`ref_obj_id=${r.refObjId}`);
  if (typeIsMapPtr(t) && r.map >= 0) {
    const map = maps[r.map];
    if (map?.name) parts.push(`map=${map.name}`);
    if (map) parts.push(`ks=${map.keySize},vs=${map.valueSize}`);
  }
  if (t !== RegType.SCALAR_VALUE && r.off) parts.push(`off=${snum(BigInt(r.off))}`);
  if (typeIsPktPointer(t)) parts.push(`r=${unum(BigInt(r.range))}`);
  if (baseType(t) === RegType.PTR_TO_MEM) parts.push(`sz=${unum(BigInt(r.memSize))}`);
  if (tnumIsConst(r.varOff)) {
    if (r.varOff.value) parts.push(`imm=${snum(r.varOff.value)}`);
  } else {
    parts.push(...scalarRanges(r));
    if (!tnumIsUnknown(r.varOff)) parts.push(`var_off=${tnumStr(r.varOff)}`);
  }
  return `${s}(${parts.join(',')})`;
}

export interface Scratch {
  regs: number;
  stack: Uint8Array;
}

/**
 * print_verifier_state: ` R0=... fp-8=...` for every register and stack slot
 * (print_all) or only those the last instruction touched, then the held
 * references, and a newline.
 */
export function verifierStateStr(
  vs: VerifierState, frameno: number, printAll: boolean, scratch: Scratch, maps: readonly MapDesc[],
): string {
  const f = vs.frames[frameno];
  let s = '';
  if (f.frameno) s += ` frame${f.frameno}:`;
  for (let i = 0; i < f.regs.length; i++) {
    const r = f.regs[i];
    if (r.type === RegType.NOT_INIT) continue;
    if (!printAll && !(scratch.regs & (1 << i))) continue;
    s += ` R${i}=${regStateStr(r, f, maps)}`;
  }
  const slots = f.allocatedStack / BPF_REG_SIZE;
  for (let spi = 0; spi < slots; spi++) {
    if (!printAll && !scratch.stack[spi]) continue;
    const base = spi * BPF_REG_SIZE;
    const off = (-spi - 1) * BPF_REG_SIZE;
    let types = '';
    let valid = false;
    for (let j = 0; j < BPF_REG_SIZE; j++) {
      const ty = f.slotType[base + j];
      if (ty !== SlotType.STACK_INVALID) valid = true;
      types += SLOT_TYPE_CHAR[ty] ?? '?';
    }
    if (!valid) continue;
    if (f.slotType[base + BPF_REG_SIZE - 1] === SlotType.STACK_SPILL && f.spilled[spi]) {
      // The bytes above a narrower spill, then the spilled register.
      let j = 0;
      while (j < BPF_REG_SIZE && f.slotType[base + j] !== SlotType.STACK_SPILL) j++;
      s += ` fp${off}=${types.slice(0, j)}${regStateStr(f.spilled[spi]!, f, maps)}`;
      continue;
    }
    s += ` fp${off}=${types}`;
  }
  // The kernel keeps a held bpf_spin_lock in the same list, after the references (no helper may acquire one while it is held).
  const refIds = vs.activeLock ? [...vs.refs.map((r) => r.id), vs.activeLock.id] : vs.refs.map((r) => r.id);
  if (refIds.length > 0 && refIds[0] !== 0) s += ` refs=${refIds.filter((id) => id !== 0).join(',')}`;
  if (f.inCallbackFn) s += ' cb';
  return `${s}\n`;
}
