// bpf_spin_lock / bpf_spin_unlock arguments (process_spin_lock) and the
// map-value rules that come with a lock: one lock at a time, taken and
// released through the same map value pointer, never read or written directly.
import type { VerifierEnv } from './env.js';
import { RegType, regTypeStr } from './reg-type.js';
import type { VerifierMap } from './maps.js';

/** The kernel's map->name: BPF_OBJ_NAME_LEN - 1 characters. */
const kernelMapName = (map: VerifierMap): string => (map.name ?? '').slice(0, 15);

/** compatible_reg_types for ARG_PTR_TO_SPIN_LOCK: map values (and allocated objects, which tsbpf has none of). */
export function checkSpinLockArgType(env: VerifierEnv, regno: number): void {
  const reg = env.cur.regs[regno];
  if (reg.type !== RegType.PTR_TO_MAP_VALUE) env.fail(`R${regno} type=${regTypeStr(reg.type)} expected=map_value, ptr_`);
}

/** process_spin_lock: `lock` for bpf_spin_lock, else bpf_spin_unlock. */
export function processSpinLock(env: VerifierEnv, regno: number, lock: boolean): void {
  const reg = env.cur.regs[regno];
  if ((reg.mHi | reg.mLo) !== 0) {
    env.fail(`R${regno} doesn't have constant offset. bpf_spin_lock has to be at the constant offset`, 'EINVAL');
  }
  const map = env.maps[reg.map];
  if (!map.hasBtf) env.fail(`map '${kernelMapName(map)}' has to have BTF in order to use bpf_spin_lock`, 'EINVAL');
  if (map.spinLockOffset === undefined) env.fail(`map '${kernelMapName(map)}' has no valid bpf_spin_lock`, 'EINVAL');
  const off = BigInt.asIntN(64, reg.varOff.value + BigInt(reg.off));
  if (off !== BigInt(map.spinLockOffset)) {
    env.fail(`off ${off} doesn't point to 'struct bpf_spin_lock' that is at ${map.spinLockOffset}`, 'EINVAL');
  }
  const vs = env.cur;
  if (lock) {
    if (vs.activeLock) env.fail('Locking two bpf_spin_locks are not allowed', 'EINVAL');
    vs.activeLock = { id: reg.id, map: reg.map };
    return;
  }
  if (!vs.activeLock) env.fail('bpf_spin_unlock without taking a lock', 'EINVAL');
  if (vs.activeLock.id !== reg.id || vs.activeLock.map !== reg.map) env.fail('bpf_spin_unlock of different lock', 'EINVAL');
  vs.activeLock = null;
}

/** check_map_access's btf_record walk: the lock word is off limits to loads, stores and helpers. */
export function checkSpinLockOverlap(env: VerifierEnv, regno: number, off: number, size: number): void {
  if (overlapsSpinLock(env, regno, off, size)) env.fail('bpf_spin_lock cannot be accessed directly by load/store', 'EACCES');
}

/** Whether [smin + off, umax + off + size) touches the value's struct bpf_spin_lock (4 bytes). */
export function overlapsSpinLock(env: VerifierEnv, regno: number, off: number, size: number): boolean {
  const reg = env.cur.regs[regno];
  const p = env.maps[reg.map].spinLockOffset;
  if (p === undefined) return false;
  return reg.smin + BigInt(off) < BigInt(p + 4) && BigInt(p) < reg.umax + BigInt(off + size);
}

/** reg_may_point_to_spin_lock: such pointers keep their id past the NULL check, to pair lock and unlock. */
export function mayPointToSpinLock(env: VerifierEnv, map: number): boolean {
  return map >= 0 && env.maps[map].spinLockOffset !== undefined;
}
