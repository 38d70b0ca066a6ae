import type { HelperContext } from '../engine/abi.js';

/**
 * The helper context of a VM run: the engine ABI's HelperContext plus what
 * tsbpf's helpers read beyond it (the run's CPU, and how bpf_loop and
 * bpf_for_each_map_elem call back into the program). Both are optional in
 * the helpers' view, so engines that do not know them still work.
 */
export type VmRunContext = HelperContext & {
  /** CPU the run is on: bpf_get_smp_processor_id and per-CPU map slots. */
  cpu?: number;
  /** Runs the program's function at a code address (what lddw BPF_PSEUDO_FUNC loads) with r1..r5 = args; returns its r0. */
  callFunction?: (address: bigint, args: readonly bigint[]) => bigint;
};
