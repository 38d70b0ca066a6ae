// Loads and stores through pointers (check_mem_access): alignment, then the
// rules of each pointer type (map key/value, memory, context, stack, packet).
import { coerceRegToSize, coerceRegToSizeSx, markKnown } from './bounds.js';
import { checkStackAccessWithinBounds, checkStackRead, checkStackWrite } from './check-stack.js';
import type { VerifierEnv } from './env.js';
import { BPF_F_RDONLY_PROG, BPF_F_WRONLY_PROG } from '../uapi/flags.js';
import { frozenMapRead } from './maps.js';
import { isPointerValue, markUnknown } from './reg-ops.js';
import type { RegState } from './reg-state.js';
import {
  MEM_RDONLY, PTR_MAYBE_NULL, PTR_UNTRUSTED, RegType, baseType, regTypeStr, typeIsPktPointer, typeMayBeNull,
} from './reg-type.js';
import { tnumStr } from './tnum.js';
import { TN, tnAdd } from './tnum-halves.js';
import { toNumS, toNumU } from './i64.js';
import { BPF_MAX_VAR_OFF } from './limits.js';
import { checkSpinLockOverlap, overlapsSpinLock } from './check-spin-lock.js';
import { checkSockAccess, typeIsSkPointer } from './check-sock.js';

export type AccessType = 'read' | 'write';

/** A pointer's variable offset in alignment messages (tnum_strn). */
function varOffStr(reg: RegState): string {
  return tnumStr(reg.varOff);
}

/** tnum_is_aligned(tnum_add(var_off, tnum_const(off)), size): only the low bits matter. */
function varOffAligned(reg: RegState, off: number, size: number): boolean {
  tnAdd(0, reg.vLo, 0, reg.mLo, 0, off | 0, 0, 0);
  return ((TN.vLo | TN.mLo) & (size - 1)) === 0;
}

/** check_ptr_alignment: only the stack (and atomics) need natural alignment on x86-64. */
export function checkPtrAlignment(env: VerifierEnv, reg: RegState, off: number, size: number, strictOnce: boolean): void {
  let strict = strictOnce;
  let desc = '';
  switch (reg.type) {
    case RegType.PTR_TO_PACKET:
    case RegType.PTR_TO_PACKET_META: {
      if (!strict || size === 1) return;
      if (!varOffAligned(reg, 2 + reg.off + off, size)) {
        env.fail(`misaligned packet access off 2+${varOffStr(reg)}+${reg.off}+${off} size ${size}`);
      }
      return;
    }
    case RegType.PTR_TO_FLOW_KEYS: desc = 'flow keys '; break;
    case RegType.PTR_TO_MAP_KEY: desc = 'key '; break;
    case RegType.PTR_TO_MAP_VALUE: desc = 'value '; break;
    case RegType.PTR_TO_CTX: desc = 'context '; break;
    case RegType.PTR_TO_STACK: desc = 'stack '; strict = true; break;
    case RegType.PTR_TO_SOCKET: desc = 'sock '; break;
    case RegType.PTR_TO_SOCK_COMMON: desc = 'sock_common '; break;
    case RegType.PTR_TO_TCP_SOCK: desc = 'tcp_sock '; break;
    case RegType.PTR_TO_XDP_SOCK: desc = 'xdp_sock '; break;
    default: break;
  }
  if (!strict || size === 1) return;
  if (!varOffAligned(reg, reg.off + off, size)) {
    env.fail(`misaligned ${desc}access off ${varOffStr(reg)}+${reg.off}+${off} size ${size}`);
  }
}

/** __check_mem_access: [off, off+size) inside a region of memSize bytes, or the kernel's message. */
function memAccessMessage(env: VerifierEnv, regno: number, off: number, size: number, memSize: number, zeroOk: boolean): string | null {
  const sizeOk = size > 0 || (size === 0 && zeroOk);
  if (off >= 0 && sizeOk && off + size <= memSize) return null;
  const reg = env.cur.regs[regno];
  switch (baseType(reg.type)) {
    case RegType.PTR_TO_MAP_KEY:
      return `invalid access to map key, key_size=${memSize} off=${off} size=${size}`;
    case RegType.PTR_TO_MAP_VALUE:
      return `invalid access to map value, value_size=${memSize} off=${off} size=${size}`;
    case RegType.PTR_TO_PACKET: case RegType.PTR_TO_PACKET_META: case RegType.PTR_TO_PACKET_END:
      return `invalid access to packet, off=${off} size=${size}, R${regno}(id=${reg.id},off=${off},r=${memSize})`;
    default:
      return `invalid access to memory, mem_size=${memSize >>> 0} off=${off} size=${size}`;
  }
}

/**
 * check_mem_region_access: every offset the register may hold, plus `off`,
 * keeps [off, off+size) inside the region. With `quiet`, returns false
 * instead of refusing (used by sanitize checks).
 */
export function checkMemRegionAccess(
  env: VerifierEnv, regno: number, off: number, size: number, memSize: number, zeroOk: boolean, quiet = false,
): boolean {
  const reg = env.cur.regs[regno];
  if (reg.sminHi < 0) {
    // smin + off as an int must be the same number, and not negative.
    const sum = toNumS(reg.sminHi, reg.sminLo) + off;
    if ((reg.sminHi === -0x80000000 && reg.sminLo === 0) || sum !== (sum | 0) || sum < 0) {
      return quiet ? false : env.fail(`R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
    }
  }
  // (int)(smin + off): the low 32 bits of the sum.
  let msg = memAccessMessage(env, regno, (reg.sminLo + off) | 0, size, memSize, zeroOk);
  if (msg) {
    if (quiet) return false;
    env.note(msg);
    return env.fail(`R${regno} min value is outside of the allowed memory range`);
  }
  if (reg.umaxHi !== 0 || reg.umaxLo >>> 0 >= BPF_MAX_VAR_OFF) {
    return quiet ? false : env.fail(`R${regno} unbounded memory access, make sure to bounds check any such access`);
  }
  msg = memAccessMessage(env, regno, (reg.umaxLo + off) | 0, size, memSize, zeroOk);
  if (msg) {
    if (quiet) return false;
    env.note(msg);
    return env.fail(`R${regno} max value is outside of the allowed memory range`);
  }
  return true;
}

/** check_map_access: inside the map's value. */
export function checkMapAccess(env: VerifierEnv, regno: number, off: number, size: number, zeroOk: boolean, quiet = false): boolean {
  const reg = env.cur.regs[regno];
  const map = env.maps[reg.map];
  if (!checkMemRegionAccess(env, regno, off, size, map.valueSize, zeroOk, quiet)) return false;
  if (map.spinLockOffset !== undefined) {
    if (quiet) return !overlapsSpinLock(env, regno, off, size);
    checkSpinLockOverlap(env, regno, off, size);
  }
  return true;
}

/** check_packet_access: inside the range learnt from comparisons with data_end. */
export function checkPacketAccess(env: VerifierEnv, regno: number, off: number, size: number, zeroOk: boolean): void {
  const reg = env.cur.regs[regno];
  if (reg.sminHi < 0) {
    env.fail(`R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
  }
  const msg = reg.range < 0 ? '' : memAccessMessage(env, regno, off, size, reg.range, zeroOk);
  if (msg !== null) {
    if (msg) env.note(msg);
    env.fail(`R${regno} offset is outside of the packet`);
  }
}

/** __check_ptr_off_reg: context-like pointers must be used unmodified. */
export function checkPtrOffReg(env: VerifierEnv, reg: RegState, regno: number, fixedOffOk: boolean): void {
  if (reg.off < 0) env.fail(`negative offset ${regTypeStr(reg.type)} ptr R${regno} off=${reg.off} disallowed`);
  if (!fixedOffOk && reg.off) {
    env.fail(`dereference of modified ${regTypeStr(reg.type)} ptr R${regno} off=${reg.off} disallowed`);
  }
  if ((reg.mHi | reg.mLo | reg.vHi | reg.vLo) !== 0) {
    env.fail(`variable ${regTypeStr(reg.type)} access var_off=${tnumStr(reg.varOff)} disallowed`);
  }
}

function checkCtxAccess(env: VerifierEnv, off: number, size: number, t: AccessType, isLdsx: boolean): number {
  const regType = env.prog.ctxAccess(off, size, t === 'write', isLdsx);
  if (regType === null) {
    env.note(`invalid bpf_context access off=${off} size=${size}`);
    env.verboseLinfo(env.insnIdx, '; ');
    env.refuse();
  }
  // The last context byte the program touches (max_ctx_offset): hooks check it at attach.
  if (env.maxCtxOffset < off + size) env.maxCtxOffset = off + size;
  if (t === 'read') env.ctxReads.add(off, off + size);
  return regType;
}

function mapCaps(flags: number): { read: boolean; write: boolean } {
  if (flags & BPF_F_RDONLY_PROG) return { read: true, write: false };
  if (flags & BPF_F_WRONLY_PROG) return { read: false, write: true };
  return { read: true, write: true };
}

/**
 * check_mem_access: a load (t = read, valueRegno = destination or -1) or a
 * store (t = write, valueRegno = source register or -1 for an immediate) of
 * `size` bytes at regno + off.
 */
export function checkMemAccess(
  env: VerifierEnv, regno: number, offIn: number, size: number, t: AccessType, valueRegno: number,
  strictAlignmentOnce: boolean, isLdsx: boolean,
): void {
  const regs = env.cur.regs;
  const reg = regs[regno];
  checkPtrAlignment(env, reg, offIn, size, strictAlignmentOnce);
  const off = offIn + reg.off;
  const type = reg.type;

  if (type === RegType.PTR_TO_MAP_KEY) {
    if (t === 'write') env.fail(`write to change key R${regno} not allowed`);
    checkMemRegionAccess(env, regno, off, size, env.maps[reg.map].keySize, false);
    if (valueRegno >= 0) markUnknown(env, regs[valueRegno]);
  } else if (type === RegType.PTR_TO_MAP_VALUE) {
    if (t === 'write' && valueRegno >= 0 && isPointerValue(env, valueRegno)) env.fail(`R${valueRegno} leaks addr into map`);
    const map = env.maps[reg.map];
    const caps = mapCaps(map.flags);
    if (t === 'write' && !caps.write) env.fail(`write into map forbidden, value_size=${map.valueSize} off=${off} size=${size}`);
    if (t === 'read' && !caps.read) env.fail(`read from map forbidden, value_size=${map.valueSize} off=${off} size=${size}`);
    checkMapAccess(env, regno, off, size, false);
    if (t === 'read' && valueRegno >= 0) {
      const known = reg.isConst() && map.frozenValue ? frozenMapRead(map, off + toNumU(reg.vHi, reg.vLo), size, isLdsx) : null;
      if (known !== null) {
        regs[valueRegno].type = RegType.SCALAR_VALUE;
        markKnown(regs[valueRegno], known);
      } else {
        markUnknown(env, regs[valueRegno]);
      }
    }
  } else if (baseType(type) === RegType.PTR_TO_MEM) {
    const rdonly = (type & MEM_RDONLY) !== 0;
    const rdonlyUntrusted = rdonly && (type & PTR_UNTRUSTED) !== 0;
    if (typeMayBeNull(type)) env.fail(`R${regno} invalid mem access '${regTypeStr(type)}'`);
    if (t === 'write' && rdonly) env.fail(`R${regno} cannot write into ${regTypeStr(type)}`);
    if (t === 'write' && valueRegno >= 0 && isPointerValue(env, valueRegno)) env.fail(`R${valueRegno} leaks addr into mem`);
    if (!rdonlyUntrusted) checkMemRegionAccess(env, regno, off, size, reg.memSize, false);
    if (valueRegno >= 0 && (t === 'read' || rdonly)) markUnknown(env, regs[valueRegno]);
  } else if (type === RegType.PTR_TO_CTX) {
    if (t === 'write' && valueRegno >= 0 && isPointerValue(env, valueRegno)) env.fail(`R${valueRegno} leaks addr into ctx`);
    checkPtrOffReg(env, reg, regno, false);
    const loaded = checkCtxAccess(env, off, size, t, isLdsx);
    if (t === 'write') env.ctxStores.set(env.insnIdx, off);
    else env.ctxLoads.set(env.insnIdx, off);
    if (t === 'read' && valueRegno >= 0) {
      const dst = regs[valueRegno];
      if (loaded === RegType.SCALAR_VALUE) {
        markUnknown(env, dst);
      } else {
        markUnknown(env, dst);
        markKnown(dst, 0n);
        if (typeMayBeNull(loaded)) dst.id = ++env.idGen;
      }
      dst.type = loaded;
    }
  } else if (type === RegType.PTR_TO_STACK) {
    checkStackAccessWithinBounds(env, regno, off, size, t);
    if (t === 'read') checkStackRead(env, regno, off, size, valueRegno);
    else checkStackWrite(env, regno, off, size, valueRegno);
  } else if (typeIsPktPointer(type)) {
    if (t === 'write' && !env.prog.directPacketWrite) env.fail('cannot write into packet');
    if (t === 'write' && valueRegno >= 0 && isPointerValue(env, valueRegno)) env.fail(`R${valueRegno} leaks addr into packet`);
    checkPacketAccess(env, regno, off, size, false);
    if (t === 'read' && valueRegno >= 0) markUnknown(env, regs[valueRegno]);
  } else if (typeIsSkPointer(type)) {
    if (t === 'write') env.fail(`R${regno} cannot write into ${regTypeStr(type)}`);
    checkSockAccess(env, regno, off, size);
    if (valueRegno >= 0) markUnknown(env, regs[valueRegno]);
  } else if (type === RegType.CONST_PTR_TO_MAP) {
    // Reading fields of struct bpf_map needs BTF (check_ptr_to_map_access).
    env.fail(`R${regno} invalid mem access '${regTypeStr(type)}'`);
  } else {
    env.fail(`R${regno} invalid mem access '${regTypeStr(type)}'`);
  }

  if (size < 8 && valueRegno >= 0 && t === 'read' && regs[valueRegno].type === RegType.SCALAR_VALUE) {
    if (!isLdsx) coerceRegToSize(regs[valueRegno], size);
    else coerceRegToSizeSx(regs[valueRegno], size);
  }
}

export { PTR_MAYBE_NULL };
