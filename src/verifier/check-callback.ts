// Helpers that call back into the program (bpf_loop, bpf_for_each_map_elem):
// the callback body is explored as a pending path in a new frame that returns
// to the call instruction, which then may schedule the next iteration.
import { markKnown } from './bounds.js';
import type { VerifierEnv } from './env.js';
import { pushStack } from './explore.js';
import { markRegNotInit } from './reg-ops.js';
import { RegType } from './reg-type.js';
import { setupFuncEntry } from './check-subprog.js';

export function pushCallbackCall(env: VerifierEnv, insnIdx: number, subprog: number, kind: 'loop' | 'map_elem', map = -1): void {
  const callbackState = pushStack(env, env.subprogs[subprog].start, insnIdx);
  const saved = env.cur;
  env.cur = callbackState;
  const callee = setupFuncEntry(env, subprog, insnIdx);
  env.cur = saved;
  const caller = callbackState.frames[callbackState.curframe];
  if (kind === 'loop') {
    callee.reg(1).type = RegType.SCALAR_VALUE;
    callee.reg(2).copyFrom(caller.regs[3]);
    markRegNotInit(callee.reg(3));
    markRegNotInit(callee.reg(4));
    markRegNotInit(callee.reg(5));
  } else {
    callee.reg(1).copyFrom(caller.regs[1]);
    const key = callee.reg(2);
    key.type = RegType.PTR_TO_MAP_KEY;
    markKnown(key, 0n);
    key.type = RegType.PTR_TO_MAP_KEY;
    key.map = map;
    const value = callee.reg(3);
    value.type = RegType.PTR_TO_MAP_VALUE;
    markKnown(value, 0n);
    value.type = RegType.PTR_TO_MAP_VALUE;
    value.map = map;
    callee.reg(4).copyFrom(caller.regs[3]);
    markRegNotInit(callee.reg(5));
  }
  callee.inCallbackFn = true;
  callbackState.frames.length = callbackState.curframe + 1;
  callbackState.frames.push(callee);
  callbackState.curframe++;
  callbackState.callbackUnrollDepth++;
  caller.callbackDepth++;
  env.cur.cur.callbackDepth = 0;
}
