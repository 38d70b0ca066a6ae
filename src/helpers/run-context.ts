import type { HelperContext } from '../engine/abi.js';
import { HelperError } from './errors.js';

/**
 * Settings of one run that helpers read beyond the shared HelperContext.
 * They are optional fields on the same object (proposed for abi.ts), so an
 * engine or a hook sets them on the env it passes to Executable.run.
 */
export interface RunSettings {
  /** CPU the run is on: bpf_get_smp_processor_id() and per-CPU map values. Default 0. */
  cpu?: number;
  /**
   * Engine-provided: runs the program's BPF function at `addr` (a
   * codeAddress, what `lddw rX, func` loads) with r1..r5 = args in a new
   * frame and returns its r0. bpf_loop and bpf_for_each_map_elem need it.
   */
  callFunction?: (addr: bigint, args: readonly bigint[]) => bigint;
  /** bpf_get_attach_cookie(): the cookie of the attachment that fired. Default 0. */
  attachCookie?: bigint;
  /** bpf_get_func_ip(): address of the probed function (kprobe, fentry). Default 0. */
  funcIp?: bigint;
  /**
   * Set by an engine running verified code without region checks (the JIT's
   * unchecked mode): the verifier has proven every pointer argument valid
   * for its helper, as the kernel relies on, so helpers do not check them
   * against the arena's regions again. (Memory the JIT's fast paths hand
   * out, such as ring buffer records, has no region of its own.)
   */
  trustedArguments?: boolean;
}

export type RunContext = HelperContext & RunSettings;

/** The run's CPU. */
export function runCpu(env: HelperContext): number {
  return (env as RunContext).cpu ?? 0;
}

/** Calls a BPF callback through the engine; restores env.pc afterwards for the caller's errors. */
export function invokeCallback(env: HelperContext, helper: string, addr: bigint, args: readonly bigint[]): bigint {
  const call = (env as RunContext).callFunction;
  if (!call) throw new HelperError(env.pc, helper, 'this engine cannot call BPF callbacks (HelperContext.callFunction is missing)');
  const pc = env.pc;
  try {
    return BigInt.asUintN(64, call(addr, args));
  } finally {
    env.pc = pc;
  }
}
