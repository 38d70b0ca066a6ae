import type { Btf } from '../btf/btf.js';
import type { EngineName } from '../engine/select.js';

export interface VmObjectOptions {
  /** Engine for every program: `interp` or `jit`; default the JIT for verified programs, the interpreter for the others. */
  readonly engine?: EngineName;
  /**
   * Verify every program before it runs (default true). Programs that are not
   * verified run with region checks on every access and an instruction budget.
   */
  readonly verify?: boolean;
  /** Possible CPUs: values per key of per-CPU maps. Default 1. */
  readonly cpus?: number;
  /** Most instructions one run of an unverified program may execute. Default DEFAULT_VM_BUDGET. */
  readonly budget?: number;
  /**
   * BTF to apply CO-RE relocations against: default tsbpf's own types where
   * they describe the VM's structs, else the running kernel's; null to leave
   * them as they are (the spec's relocations must then already be applied).
   */
  readonly coreTarget?: Btf | null;
}

/** Budget of unverified runs: ten times the verifier's complexity limit. */
export const DEFAULT_VM_BUDGET = 10_000_000;
