import { HelperControl } from '../engine/abi.js';
import { ProgArrayMap } from '../maps/prog-array-map.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { typedMapArg } from './map-access.js';
import { u32 } from './args.js';

/**
 * bpf_tail_call(ctx, prog_array, index): asks the engine to end this program
 * and run the program at `index` with the same ctx. When the slot is empty or
 * out of range the call does nothing and the program goes on, as in the
 * kernel; the engine enforces the limit of 33 tail calls (MAX_TAIL_CALL_CNT).
 */
const tailCall = defineHelper('tail_call', ['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', 'ARG_ANYTHING'], 'RET_VOID', (env, _r1, r2, r3) => {
  const target = typedMapArg(env, r2, 'bpf_tail_call', ProgArrayMap).tailCallTarget(u32(r3));
  if (target) {
    env.control = HelperControl.TailCall;
    env.tailCallTarget = target;
  }
  return 0n;
});

export const TAIL_CALL_HELPERS: readonly HelperDefinition[] = [tailCall];
