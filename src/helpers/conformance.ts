import { HelperControl, type HelperFn, type HelperTable } from '../engine/abi.js';

/**
 * Helper id of the conformance suite's "unwind" helper (uBPF's
 * `ubpf_set_unwind_function_index` convention that bpf_conformance uses).
 */
export const CONFORMANCE_UNWIND_HELPER = 5;

/**
 * unwind(r1): returns r1; when that is 0, the whole program ends at once with
 * r0 = 0, from any call depth (uBPF: an unwind helper returning 0 stops
 * execution with that value).
 */
export const unwind: HelperFn = (env, r1) => {
  if (r1 === 0n) {
    env.control = HelperControl.Exit;
    env.exitValue = 0n;
  }
  return r1;
};

/** The helper table of the conformance suite's calling convention. */
export function conformanceHelpers(): HelperTable {
  return new Map([[CONFORMANCE_UNWIND_HELPER, unwind]]);
}
