// Helper calls (check_helper_call): each argument checked against the
// helper's prototype, references acquired and released, r1-r5 clobbered,
// r0 set from the return type.
import type { Instruction } from '../isa/instruction.js';
import type { ArgType, HelperProto } from '../helpers/proto.js';
import { isRegConst, markKnown, regBoundsSync } from './bounds.js';
import { checkMapAccess, checkMemAccess, checkPtrAlignment, checkMemRegionAccess, checkPacketAccess, checkPtrOffReg } from './check-mem.js';
import { checkStackRangeInitialized } from './check-stack.js';
import { checkResourceLeak } from './check-exit.js';
import { pushCallbackCall } from './check-callback.js';
import type { VerifierEnv } from './env.js';
import { kernelHelperName } from './kernel-disasm.js';
import { BPF_F_RDONLY_PROG, BPF_F_WRONLY_PROG } from '../uapi/flags.js';
import { MapType, type VerifierMap } from './maps.js';
import { RegArg, checkRegArg, isPointerValue, markRegNotInit, markUnknown, registerIsNull } from './reg-ops.js';
import { RegState } from './reg-state.js';
import { MEM_RDONLY, MEM_RINGBUF, PTR_MAYBE_NULL, PTR_TRUSTED, RegType, baseType, regTypeStr, typeIsPktPointer } from './reg-type.js';
import { toNumS, toNumU } from './i64.js';
import { FuncIds as F } from './func-ids.js';
import { checkSpinLockArgType, mayPointToSpinLock, processSpinLock } from './check-spin-lock.js';
import { markChainPrecision, markSlotPrecision } from './precision.js';
import { BPF_REG_SIZE, SlotType } from './func-state.js';

/**
 * update_loop_inline_state: a bpf_loop call whose flags are always zero and
 * whose callback is always the same is inlined; the flags must stay zero
 * along the path (precise).
 */
function updateLoopInlineState(env: VerifierEnv, insnIdx: number, subprog: number): void {
  const state = env.aux.loopInline.get(insnIdx);
  if (!state) {
    env.aux.loopInline.set(insnIdx, { fit: loopFlagIsZero(env), subprog });
    return;
  }
  if (!state.fit) return;
  state.fit = loopFlagIsZero(env) && state.subprog === subprog;
}

/** bpf_loop's flags (R4) are a known zero, which must then stay so (precise). */
function loopFlagIsZero(env: VerifierEnv): boolean {
  const isZero = registerIsNull(env.cur.regs[4]);
  if (isZero) markChainPrecision(env, 4);
  return isZero;
}

/** BPF_MAX_VAR_SIZ */
const MAX_VAR_SIZ = 1n << 29n;
/** nr_cpu_ids of the reference machine (get_smp_processor_id's range). */
const NR_CPU_IDS = 2;
const MAX_ERRNO = 4095;

/** What check_func_arg learns while walking the arguments (struct bpf_call_arg_meta). */
interface CallMeta {
  map: number;
  rawMode: boolean;
  accessSize: number;
  regno: number;
  memSize: number;
  msizeMaxValue: bigint;
  refObjId: number;
  releaseRegno: number;
  subprogno: number;
  constMapKey: bigint;
  pktAccess: boolean;
}

/** Helpers whose pointer arguments may point into the packet (fn->pkt_access). */
const PKT_ACCESS = new Set<number>([F.map_lookup_elem, F.map_update_elem, F.map_delete_elem, F.map_push_elem, F.map_pop_elem,
  F.map_peek_elem, F.csum_diff, F.sk_lookup_tcp, F.sk_lookup_udp, F.skc_lookup_tcp, F.tcp_check_syncookie,
  F.tcp_gen_syncookie]);

/** bpf_helper_changes_pkt_data */
const CHANGES_PKT_DATA = new Set<number>([F.skb_vlan_push, F.skb_vlan_pop, F.skb_store_bytes, F.skb_change_proto,
  F.skb_change_head, F.skb_change_tail, F.skb_adjust_room, F.skb_pull_data, F.clone_redirect, F.l3_csum_replace,
  F.l4_csum_replace, F.xdp_adjust_head, F.xdp_adjust_meta, F.msg_pull_data, F.msg_push_data, F.msg_pop_data,
  F.xdp_adjust_tail, F.lwt_seg6_store_bytes, F.lwt_seg6_adjust_srh, F.lwt_seg6_action, F.lwt_push_encap]);

const MEM_TYPES = [RegType.PTR_TO_STACK, RegType.PTR_TO_PACKET, RegType.PTR_TO_PACKET_META, RegType.PTR_TO_MAP_KEY,
  RegType.PTR_TO_MAP_VALUE, RegType.PTR_TO_MEM, RegType.PTR_TO_MEM | MEM_RINGBUF, RegType.PTR_TO_BUF,
  RegType.PTR_TO_BTF_ID | PTR_TRUSTED];

/** btf_id_sock_common_types: any socket pointer, in the kernel's order (its refusal lists them so). */
const BTF_ID_SOCK_COMMON_TYPES = [RegType.PTR_TO_SOCK_COMMON, RegType.PTR_TO_SOCKET, RegType.PTR_TO_TCP_SOCK,
  RegType.PTR_TO_XDP_SOCK, RegType.PTR_TO_BTF_ID, RegType.PTR_TO_BTF_ID | PTR_TRUSTED];

/** sock_types */
const SOCK_TYPES = [RegType.PTR_TO_SOCK_COMMON, RegType.PTR_TO_SOCKET, RegType.PTR_TO_TCP_SOCK, RegType.PTR_TO_XDP_SOCK];

/** The register types an argument type accepts (compatible_reg_types), or null for no check. */
function compatibleTypes(arg: ArgType): number[] | null {
  switch (arg) {
    case 'ARG_PTR_TO_MAP_KEY': case 'ARG_PTR_TO_MAP_VALUE': case 'ARG_PTR_TO_UNINIT_MAP_VALUE':
    case 'ARG_PTR_TO_MEM': case 'ARG_PTR_TO_MEM_OR_NULL': case 'ARG_PTR_TO_UNINIT_MEM':
    case 'ARG_PTR_TO_LONG': case 'ARG_PTR_TO_INT':
      return MEM_TYPES;
    case 'ARG_CONST_SIZE': case 'ARG_CONST_SIZE_OR_ZERO': case 'ARG_CONST_ALLOC_SIZE_OR_ZERO':
      return [RegType.SCALAR_VALUE];
    case 'ARG_CONST_MAP_PTR': return [RegType.CONST_PTR_TO_MAP];
    case 'ARG_PTR_TO_CTX': case 'ARG_PTR_TO_CTX_OR_NULL': return [RegType.PTR_TO_CTX];
    case 'ARG_PTR_TO_STACK': case 'ARG_PTR_TO_STACK_OR_NULL': return [RegType.PTR_TO_STACK];
    case 'ARG_PTR_TO_CONST_STR': return [RegType.PTR_TO_MAP_VALUE];
    case 'ARG_PTR_TO_FUNC': return [RegType.PTR_TO_FUNC];
    case 'ARG_PTR_TO_RINGBUF_MEM': return [RegType.PTR_TO_MEM | MEM_RINGBUF];
    case 'ARG_PTR_TO_BTF_ID': return [RegType.PTR_TO_BTF_ID];
    case 'ARG_PTR_TO_BTF_ID_SOCK_COMMON': return BTF_ID_SOCK_COMMON_TYPES;
    case 'ARG_PTR_TO_SOCK_COMMON': return SOCK_TYPES;
    default: return null;
  }
}

const argMayBeNull = (arg: ArgType): boolean =>
  arg === 'ARG_PTR_TO_MEM_OR_NULL' || arg === 'ARG_PTR_TO_CTX_OR_NULL' || arg === 'ARG_PTR_TO_STACK_OR_NULL';
/** Argument types whose memory the helper writes (MEM_WRITE). */
const argWrites = (arg: ArgType | undefined): boolean =>
  arg === 'ARG_PTR_TO_UNINIT_MEM' || arg === 'ARG_PTR_TO_UNINIT_MAP_VALUE' || arg === 'ARG_PTR_TO_LONG' || arg === 'ARG_PTR_TO_INT';

function mayAccessDirectPktData(env: VerifierEnv, meta: CallMeta | null, write: boolean): boolean {
  if (write ? !env.prog.directPacketWrite : !env.prog.directPacketRead) return false;
  return meta ? meta.pktAccess : true;
}

function checkRegType(env: VerifierEnv, regno: number, arg: ArgType): void {
  const reg = env.cur.regs[regno];
  if (arg === 'ARG_PTR_TO_SPIN_LOCK') return checkSpinLockArgType(env, regno);
  const compatible = compatibleTypes(arg);
  if (!compatible) return;
  let type = reg.type;
  if (arg === 'ARG_PTR_TO_MEM' || arg === 'ARG_PTR_TO_MEM_OR_NULL' || arg === 'ARG_PTR_TO_MAP_KEY' ||
    arg === 'ARG_PTR_TO_MAP_VALUE') type &= ~MEM_RDONLY;
  if (argMayBeNull(arg)) type &= ~PTR_MAYBE_NULL;
  if (compatible.includes(type)) return;
  env.fail(`R${regno} type=${regTypeStr(reg.type)} expected=${compatible.map((t) => regTypeStr(t)).join(', ')}`);
}

/** check_func_arg_reg_off */
export function checkFuncArgRegOff(env: VerifierEnv, reg: RegState, regno: number, release: boolean): void {
  if (release) {
    if (reg.off) env.fail(`R${regno} must have zero offset when passed to release func or trusted arg to kfunc`, 'EINVAL');
    checkPtrOffReg(env, reg, regno, false);
    return;
  }
  switch (reg.type) {
    case RegType.PTR_TO_STACK: case RegType.PTR_TO_PACKET: case RegType.PTR_TO_PACKET_META:
    case RegType.PTR_TO_MAP_KEY: case RegType.PTR_TO_MAP_VALUE: case RegType.PTR_TO_MEM:
    case RegType.PTR_TO_MEM | MEM_RDONLY: case RegType.PTR_TO_MEM | MEM_RINGBUF: case RegType.PTR_TO_BUF:
    case RegType.PTR_TO_BUF | MEM_RDONLY: case RegType.SCALAR_VALUE:
      return;
    case RegType.PTR_TO_BTF_ID:
      checkPtrOffReg(env, reg, regno, true);
      return;
    default:
      checkPtrOffReg(env, reg, regno, false);
  }
}

function mapCanRead(m: VerifierMap): boolean { return !(m.flags & BPF_F_WRONLY_PROG); }
function mapCanWrite(m: VerifierMap): boolean { return !(m.flags & BPF_F_RDONLY_PROG); }

/** check_helper_mem_access: [reg, reg+size) is memory the helper may read or write. */
export function checkHelperMemAccess(
  env: VerifierEnv, regno: number, size: number, write: boolean, zeroOk: boolean, meta: CallMeta | null,
): void {
  const reg = env.cur.regs[regno];
  switch (baseType(reg.type)) {
    case RegType.PTR_TO_PACKET:
    case RegType.PTR_TO_PACKET_META:
      checkPacketAccess(env, regno, reg.off, size, zeroOk);
      return;
    case RegType.PTR_TO_MAP_KEY:
      if (write) env.fail(`R${regno} cannot write into ${regTypeStr(reg.type)}`);
      checkMemRegionAccess(env, regno, reg.off, size, env.maps[reg.map].keySize, false);
      return;
    case RegType.PTR_TO_MAP_VALUE: {
      const map = env.maps[reg.map];
      if (write && !mapCanWrite(map)) env.fail(`write into map forbidden, value_size=${map.valueSize} off=${reg.off} size=${size}`);
      if (!write && !mapCanRead(map)) env.fail(`read from map forbidden, value_size=${map.valueSize} off=${reg.off} size=${size}`);
      checkMapAccess(env, regno, reg.off, size, zeroOk);
      return;
    }
    case RegType.PTR_TO_MEM:
      if ((reg.type & MEM_RDONLY) && write) env.fail(`R${regno} cannot write into ${regTypeStr(reg.type)}`);
      checkMemRegionAccess(env, regno, reg.off, size, reg.memSize, zeroOk);
      return;
    case RegType.PTR_TO_STACK:
      checkStackRangeInitialized(env, regno, reg.off, size, zeroOk, write ? 'write' : 'read', meta?.rawMode ?? false);
      if (meta?.rawMode && reg.isConst()) {
        meta.accessSize = size;
        meta.regno = regno;
      }
      return;
    default:
      if (zeroOk && size === 0 && registerIsNull(reg)) return;
      env.fail(`R${regno} type=${regTypeStr(reg.type)} expected=${regTypeStr(RegType.PTR_TO_STACK)}`);
  }
}

/** check_mem_size_reg: the size argument of a memory + size pair. */
function checkMemSizeReg(env: VerifierEnv, regno: number, write: boolean, zeroOk: boolean, metaIn: CallMeta): void {
  const reg = env.cur.regs[regno];
  metaIn.msizeMaxValue = reg.umax;
  const meta = reg.isConst() ? metaIn : null;
  if (!meta) metaIn.rawMode = false;
  if (reg.smin < 0n) env.fail(`R${regno} min value is negative, either use unsigned or 'var &= const'`);
  if (reg.umin === 0n && !zeroOk) env.fail(`R${regno} invalid zero-sized read: u64=[${BigInt.asIntN(64, reg.umin)},${reg.umax}]`);
  if (reg.umax >= MAX_VAR_SIZ) env.fail(`R${regno} unbounded memory access, use 'var &= const' or 'if (var < const)'`);
  checkHelperMemAccess(env, regno - 1, Number(reg.umax), write, zeroOk, meta);
  markChainPrecision(env, regno);
}

/** get_constant_map_key: a constant array index stored on the stack. */
function constantMapKey(env: VerifierEnv, key: RegState, keySize: number): bigint | null {
  if (!env.bpfCapable || key.type !== RegType.PTR_TO_STACK || !key.isConst()) return null;
  const state = env.cur.frames[key.frameno];
  const stackOff = key.off + toNumS(key.vHi, key.vLo);
  const slot = -stackOff - 1;
  const spi = Math.floor(slot / BPF_REG_SIZE);
  const off = slot % BPF_REG_SIZE;
  const base = spi * BPF_REG_SIZE;
  let zeros = 0;
  for (let i = off; i >= 0 && state.slotType[base + i] === SlotType.STACK_ZERO; i--) zeros++;
  if (zeros >= keySize) return 0n;
  const spilled = state.spillAt(spi);
  if (!spilled || spilled.type !== RegType.SCALAR_VALUE) return null;
  let spillSize = 0;
  for (let i = off; i >= 0 && state.slotType[base + i] === SlotType.STACK_SPILL; i--) spillSize++;
  if (spillSize !== keySize) return null;
  if (!spilled.isConst()) return null;
  markSlotPrecision(env, key.frameno, spi);
  return spilled.varOff.value;
}

function checkFuncArg(env: VerifierEnv, argIdx: number, meta: CallMeta, proto: HelperProto): void {
  const regno = argIdx + 1;
  const arg = proto.args[argIdx];
  if (!arg || arg === 'ARG_DONTCARE') return;
  const regs = env.cur.regs;
  const reg = regs[regno];
  checkRegArg(env, regno, RegArg.SRC_OP);
  if (arg === 'ARG_ANYTHING') {
    if (isPointerValue(env, regno)) env.fail(`R${regno} leaks addr into helper function`);
    return;
  }
  if (typeIsPktPointer(reg.type) && !mayAccessDirectPktData(env, meta, false)) {
    env.fail('helper access to the packet is not allowed');
  }
  const release = proto.releasesArg === argIdx;
  if (!(registerIsNull(reg) && argMayBeNull(arg))) {
    checkRegType(env, regno, arg);
    checkFuncArgRegOff(env, reg, regno, release);
  }
  if (release) {
    if (!reg.refObjId && !registerIsNull(reg)) {
      env.fail(`R${regno} must be referenced when passed to release function`, 'EINVAL');
    }
    meta.releaseRegno = regno;
  }
  if (reg.refObjId) {
    if (meta.refObjId) {
      env.fail(`verifier internal error: more than one arg with ref_obj_id R${regno} ${reg.refObjId} ${meta.refObjId}`, 'EFAULT');
    }
    meta.refObjId = reg.refObjId;
  }
  switch (arg) {
    case 'ARG_CONST_MAP_PTR':
      meta.map = reg.map;
      break;
    case 'ARG_PTR_TO_SPIN_LOCK':
      processSpinLock(env, regno, proto.id === F.spin_lock);
      break;
    case 'ARG_PTR_TO_MAP_KEY': {
      const map = env.maps[meta.map];
      checkHelperMemAccess(env, regno, map.keySize, false, false, null);
      if (map.type === MapType.array || map.type === MapType.percpu_array) {
        const key = constantMapKey(env, reg, map.keySize);
        meta.constMapKey = key ?? -1n;
      }
      break;
    }
    case 'ARG_PTR_TO_MAP_VALUE':
    case 'ARG_PTR_TO_UNINIT_MAP_VALUE': {
      const map = env.maps[meta.map];
      meta.rawMode = arg === 'ARG_PTR_TO_UNINIT_MAP_VALUE';
      checkHelperMemAccess(env, regno, map.valueSize, arg === 'ARG_PTR_TO_UNINIT_MAP_VALUE', false, meta);
      break;
    }
    case 'ARG_PTR_TO_FUNC':
      meta.subprogno = reg.subprogno;
      break;
    case 'ARG_PTR_TO_MEM':
    case 'ARG_PTR_TO_MEM_OR_NULL':
      meta.rawMode = false;
      break;
    case 'ARG_PTR_TO_UNINIT_MEM':
      meta.rawMode = true;
      break;
    case 'ARG_CONST_SIZE':
      checkMemSizeReg(env, regno, argWrites(proto.args[argIdx - 1]), false, meta);
      break;
    case 'ARG_CONST_SIZE_OR_ZERO':
      checkMemSizeReg(env, regno, argWrites(proto.args[argIdx - 1]), true, meta);
      break;
    case 'ARG_CONST_ALLOC_SIZE_OR_ZERO':
      if (!reg.isConst()) env.fail(`R${regno} is not a known constant'`);
      meta.memSize = toNumU(reg.vHi, reg.vLo);
      markChainPrecision(env, regno);
      break;
    case 'ARG_PTR_TO_INT':
    case 'ARG_PTR_TO_LONG': {
      const size = arg === 'ARG_PTR_TO_INT' ? 4 : 8;
      meta.rawMode = true;
      checkHelperMemAccess(env, regno, size, true, false, meta);
      checkPtrAlignment(env, reg, 0, size, true);
      break;
    }
    case 'ARG_PTR_TO_CONST_STR': {
      const map = env.maps[reg.map];
      if (!(map.flags & BPF_F_RDONLY_PROG)) env.fail(`R${regno} does not point to a readonly map'`);
      if (!reg.isConst()) env.fail(`R${regno} is not a constant address'`);
      break;
    }
    default:
      break;
  }
}

const PERF_EVENT_FUNCS = new Set<number>([F.perf_event_read, F.perf_event_output, F.skb_output, F.perf_event_read_value, F.xdp_output]);
const RINGBUF_FUNCS = new Set<number>([F.ringbuf_output, F.ringbuf_reserve, F.ringbuf_query, F.ringbuf_reserve_dynptr,
  F.ringbuf_submit_dynptr, F.ringbuf_discard_dynptr]);
const QUEUE_FUNCS = new Set<number>([F.map_peek_elem, F.map_pop_elem, F.map_push_elem]);

function mapFuncCompatible(map: VerifierMap, funcId: number): boolean {
  const t = map.type;
  switch (t) {
    case MapType.prog_array: if (funcId !== F.tail_call) return false; break;
    case MapType.perf_event_array:
      if (!PERF_EVENT_FUNCS.has(funcId)) return false;
      break;
    case MapType.ringbuf:
      if (!RINGBUF_FUNCS.has(funcId)) return false;
      break;
    case MapType.stack_trace: if (funcId !== F.get_stackid) return false; break;
    case MapType.cgroup_array: if (funcId !== F.skb_under_cgroup && funcId !== F.current_task_under_cgroup) return false; break;
    case MapType.devmap: case MapType.devmap_hash: case MapType.xskmap:
      if (funcId !== F.redirect_map && funcId !== F.map_lookup_elem) return false;
      break;
    case MapType.cpumap: if (funcId !== F.redirect_map) return false; break;
    case MapType.array_of_maps: case MapType.hash_of_maps: if (funcId !== F.map_lookup_elem) return false; break;
    case MapType.queue: case MapType.stack:
      if (!QUEUE_FUNCS.has(funcId)) return false;
      break;
    case MapType.bloom_filter: if (funcId !== F.map_peek_elem && funcId !== F.map_push_elem) return false; break;
    case MapType.user_ringbuf: if (funcId !== F.user_ringbuf_drain) return false; break;
    default: break;
  }
  switch (funcId) {
    case F.tail_call: return t === MapType.prog_array;
    case F.perf_event_read: case F.perf_event_output: case F.perf_event_read_value: case F.skb_output: case F.xdp_output:
      return t === MapType.perf_event_array;
    case F.ringbuf_output: case F.ringbuf_reserve: case F.ringbuf_query:
    case F.ringbuf_reserve_dynptr: case F.ringbuf_submit_dynptr: case F.ringbuf_discard_dynptr:
      return t === MapType.ringbuf;
    case F.user_ringbuf_drain: return t === MapType.user_ringbuf;
    case F.get_stackid: return t === MapType.stack_trace;
    case F.current_task_under_cgroup: case F.skb_under_cgroup: return t === MapType.cgroup_array;
    case F.redirect_map:
      return t === MapType.devmap || t === MapType.devmap_hash || t === MapType.cpumap || t === MapType.xskmap;
    case F.map_pop_elem: return t === MapType.queue || t === MapType.stack;
    case F.map_peek_elem: case F.map_push_elem:
      return t === MapType.queue || t === MapType.stack || t === MapType.bloom_filter;
    case F.map_lookup_percpu_elem:
      return t === MapType.percpu_array || t === MapType.percpu_hash || t === MapType.lru_percpu_hash;
    default: return true;
  }
}

/** release_reference: drop the reference and invalidate every pointer that held it. */
function releaseReference(env: VerifierEnv, refObjId: number): boolean {
  const vs = env.cur;
  const before = vs.refs.length;
  vs.refs = vs.refs.filter((r) => r.id !== refObjId);
  if (vs.refs.length === before) return false;
  vs.forEachReg((reg) => {
    if (reg.refObjId !== refObjId) return;
    if (!env.allowPtrLeaks) markRegNotInit(reg);
    else markUnknown(env, reg);
  }, (reg) => reg.refObjId === refObjId);
  return true;
}

const isPktPointerAny = (reg: RegState): boolean => typeIsPktPointer(reg.type) || reg.type === RegType.PTR_TO_PACKET_END;

/** clear_all_pkt_pointers: after a helper that may move packet data. */
function clearAllPktPointers(env: VerifierEnv): void {
  env.cur.forEachReg((reg) => {
    if (!isPktPointerAny(reg)) return;
    if (!env.allowPtrLeaks) markRegNotInit(reg);
    else markUnknown(env, reg);
  }, isPktPointerAny);
}

/** Helpers whose proto has might_sleep: only sleepable programs call them. */
const MIGHT_SLEEP: ReadonlySet<number> = new Set([F.copy_from_user, F.copy_from_user_task]);

/**
 * check_helper_call. Returns the next instruction minus one when the call
 * changes control flow (never for helpers), otherwise undefined.
 */
export function checkHelperCall(env: VerifierEnv, insn: Instruction, insnIdx: number): number | undefined {
  const funcId = insn.imm;
  if (funcId < 0 || funcId > F.MAX_ID) env.fail(`invalid func ${kernelHelperName(funcId)}#${funcId}`, 'EINVAL');
  const proto = env.helperProto(funcId);
  if (!env.prog.helperAllowed(funcId)) env.fail(`program of this type cannot use helper ${kernelHelperName(funcId)}#${funcId}`, 'EINVAL');
  if (!env.sleepable && MIGHT_SLEEP.has(funcId)) env.fail('helper call might sleep in a non-sleepable prog', 'EINVAL');
  if (!proto) env.fail(`helper ${kernelHelperName(funcId)}#${funcId} is not available in tsbpf`, 'EINVAL');

  const meta: CallMeta = {
    map: -1, rawMode: false, accessSize: 0, regno: 0, memSize: 0, msizeMaxValue: 0n, refObjId: 0, releaseRegno: 0,
    subprogno: -1, constMapKey: -1n, pktAccess: PKT_ACCESS.has(funcId),
  };
  for (let i = 0; i < 5; i++) checkFuncArg(env, i, meta, proto);

  recordFuncMap(env, meta, funcId);
  // A helper that fills stack memory leaves initialised (STACK_MISC) bytes.
  for (let i = 0; i < meta.accessSize; i++) checkMemAccess(env, meta.regno, i, 1, 'write', -1, false, false);

  const regs = env.cur.regs;
  if (meta.releaseRegno) {
    let ok = false;
    if (meta.refObjId) ok = releaseReference(env, meta.refObjId);
    else if (registerIsNull(regs[meta.releaseRegno])) ok = true;
    if (!ok) env.fail(`func ${kernelHelperName(funcId)}#${funcId} reference has not been acquired before`, 'EINVAL');
  }

  if (funcId === F.tail_call) checkResourceLeak(env, true, 'tail_call');
  if (funcId === F.loop) {
    updateLoopInlineState(env, insnIdx, meta.subprogno);
    // Whether another iteration is explored depends on R1.
    markChainPrecision(env, 1);
    const r1 = regs[1];
    if (env.cur.cur.callbackDepth < r1.umax) {
      pushCallbackCall(env, insnIdx, meta.subprogno, 'loop');
      // The callback's path shares the registers the call then clobbers.
      env.cur.cur.ownRegs(0x3f);
    } else {
      env.cur.cur.callbackDepth = 0;
      if (env.log.level >= 2) env.verbose(`frame${env.cur.curframe} bpf_loop iteration limit reached\n`);
    }
  } else if (funcId === F.for_each_map_elem) {
    pushCallbackCall(env, insnIdx, meta.subprogno, 'map_elem', meta.map);
    env.cur.cur.ownRegs(0x3f);
  }

  for (let r = 0; r <= 5; r++) {
    markRegNotInit(regs[r]);
    checkRegArg(env, r, RegArg.DST_OP_NO_MARK);
  }
  const r0 = regs[0];
  switch (proto.ret) {
    case 'RET_INTEGER':
      markUnknown(env, r0);
      break;
    case 'RET_VOID':
      r0.type = RegType.NOT_INIT;
      break;
    case 'RET_PTR_TO_MAP_VALUE':
    case 'RET_PTR_TO_MAP_VALUE_OR_NULL': {
      markUnknown(env, r0);
      markKnown(r0, 0n);
      let flag = proto.ret === 'RET_PTR_TO_MAP_VALUE_OR_NULL' ? PTR_MAYBE_NULL : 0;
      const map = env.maps[meta.map];
      if (funcId === F.map_lookup_elem && (map.type === MapType.array || map.type === MapType.percpu_array) &&
        meta.constMapKey >= 0n && meta.constMapKey < BigInt(map.maxEntries)) flag = 0;
      r0.map = meta.map;
      r0.type = RegType.PTR_TO_MAP_VALUE | flag;
      break;
    }
    case 'RET_PTR_TO_RINGBUF_MEM_OR_NULL':
    case 'RET_PTR_TO_MEM_OR_NULL':
      markUnknown(env, r0);
      markKnown(r0, 0n);
      r0.type = RegType.PTR_TO_MEM | PTR_MAYBE_NULL | (proto.ret === 'RET_PTR_TO_RINGBUF_MEM_OR_NULL' ? MEM_RINGBUF : 0);
      r0.memSize = meta.memSize;
      break;
    case 'RET_PTR_TO_SOCKET_OR_NULL':
    case 'RET_PTR_TO_SOCK_COMMON_OR_NULL':
    case 'RET_PTR_TO_TCP_SOCK_OR_NULL':
      markUnknown(env, r0);
      markKnown(r0, 0n);
      r0.type = SOCK_RET_TYPES[proto.ret] | PTR_MAYBE_NULL;
      break;
    default:
      markUnknown(env, r0);
      markKnown(r0, 0n);
      r0.type = RegType.PTR_TO_BTF_ID | PTR_MAYBE_NULL;
  }
  if (r0.type & PTR_MAYBE_NULL) r0.id = ++env.idGen;
  // A map value that holds a bpf_spin_lock gets an id even when it cannot be NULL: lock and unlock pair by it.
  else if (r0.type === RegType.PTR_TO_MAP_VALUE && mayPointToSpinLock(env, r0.map)) r0.id = ++env.idGen;
  if (PTR_CAST.has(funcId)) {
    // The cast pointer holds its argument's reference: releasing either invalidates both.
    r0.refObjId = meta.refObjId;
  } else if (proto.acquiresRef) {
    const id = ++env.idGen;
    env.cur.refs = [...env.cur.refs, { id, insnIdx }];
    r0.id = id;
    r0.refObjId = id;
  }
  if (proto.ret === 'RET_INTEGER') refineRetvalRange(funcId, r0, meta);
  if (meta.map >= 0 && !mapFuncCompatible(env.maps[meta.map], funcId)) {
    env.fail(`cannot pass map_type ${env.maps[meta.map].type} into func ${kernelHelperName(funcId)}#${funcId}`, 'EINVAL');
  }
  if (CHANGES_PKT_DATA.has(funcId)) clearAllPktPointers(env);
  return undefined;
}

const SOCK_RET_TYPES = {
  RET_PTR_TO_SOCKET_OR_NULL: RegType.PTR_TO_SOCKET,
  RET_PTR_TO_SOCK_COMMON_OR_NULL: RegType.PTR_TO_SOCK_COMMON,
  RET_PTR_TO_TCP_SOCK_OR_NULL: RegType.PTR_TO_TCP_SOCK,
} as const;

/** is_ptr_cast_function: the result points into the argument's object. */
const PTR_CAST = new Set<number>([F.tcp_sock, F.sk_fullsock, F.skc_to_tcp_sock, F.skc_to_tcp6_sock, F.skc_to_udp6_sock,
  F.skc_to_mptcp_sock, F.skc_to_tcp_timewait_sock, F.skc_to_tcp_request_sock]);

const MAP_CALLS = new Set<number>([F.tail_call, F.map_lookup_elem, F.map_update_elem, F.map_delete_elem,
  F.map_push_elem, F.map_pop_elem, F.map_peek_elem, F.for_each_map_elem, F.redirect_map, F.map_lookup_percpu_elem]);

/** record_func_map and record_func_key: what the kernel checks about the map of a map helper. */
function recordFuncMap(env: VerifierEnv, meta: CallMeta, funcId: number): void {
  if (!MAP_CALLS.has(funcId) || meta.map < 0) return;
  const map = env.maps[meta.map];
  if ((map.flags & BPF_F_RDONLY_PROG) && (funcId === F.map_delete_elem || funcId === F.map_update_elem ||
    funcId === F.map_push_elem || funcId === F.map_pop_elem)) {
    env.fail('write into map forbidden');
  }
  if (funcId === F.tail_call && map.type !== MapType.prog_array) {
    // The kernel prints this line without its newline.
    env.errorLines.push('expected prog array map for tail call');
    env.verbose('expected prog array map for tail call');
    env.refuse('EINVAL');
  }
  // record_func_key: a constant index in range lets the tail call be a direct jump.
  if (funcId === F.tail_call) {
    const r3 = env.cur.regs[3];
    if (isRegConst(r3, false) && r3.varOff.value < BigInt(map.maxEntries)) markChainPrecision(env, 3);
  }
}

/** do_refine_retval_range */
function refineRetvalRange(funcId: number, r0: RegState, meta: CallMeta): void {
  switch (funcId) {
    case F.get_stack: case F.get_task_stack: case F.probe_read_str: case F.probe_read_kernel_str:
    case F.probe_read_user_str:
      r0.smax = BigInt.asIntN(64, meta.msizeMaxValue);
      r0.s32max = Number(BigInt.asIntN(32, meta.msizeMaxValue));
      r0.smin = BigInt(-MAX_ERRNO);
      r0.s32min = -MAX_ERRNO;
      regBoundsSync(r0);
      break;
    case F.get_smp_processor_id:
      r0.umin = 0n; r0.umax = BigInt(NR_CPU_IDS - 1);
      r0.smin = 0n; r0.smax = BigInt(NR_CPU_IDS - 1);
      r0.u32min = 0; r0.u32max = NR_CPU_IDS - 1;
      r0.s32min = 0; r0.s32max = NR_CPU_IDS - 1;
      regBoundsSync(r0);
      break;
  }
}

export { isRegConst, MEM_RDONLY };
