import { HelperControl } from '../abi.js';
import { UnknownHelperError } from '../errors.js';
import { getReg, setReg, type Machine } from './machine.js';

/** Most tail calls one run may take, as the kernel's MAX_TAIL_CALL_CNT. */
export const MAX_TAIL_CALLS = 33;

/** What the loop does after a helper returns. */
export const enum AfterHelper {
  Continue = 0,
  /** End the program; r0 already holds its value. */
  Exit = 1,
  /** End the program and run env.tailCallTarget. */
  TailCall = 2,
}

/**
 * Calls helper `id` with r1..r5, puts its result in r0, and reads what it
 * asked for in `env.control`. A tail call beyond the limit, or without a
 * target, fails as in the kernel: the program goes on after the call.
 */
export function callHelper(m: Machine, pc: number, id: number): AfterHelper {
  const fn = m.helpers.get(id);
  if (!fn) throw new UnknownHelperError(pc, id);
  const env = m.env;
  env.pc = pc;
  env.control = HelperControl.None;
  const r0 = fn(env, getReg(m, 1), getReg(m, 2), getReg(m, 3), getReg(m, 4), getReg(m, 5));
  setReg(m, 0, r0);
  const control = env.control as HelperControl; // set by the helper
  env.control = HelperControl.None;
  if (control === HelperControl.Exit) {
    setReg(m, 0, env.exitValue);
    return AfterHelper.Exit;
  }
  if (control === HelperControl.TailCall) {
    if (env.tailCallTarget === null || env.tailCalls >= MAX_TAIL_CALLS) return AfterHelper.Continue;
    env.tailCalls++;
    return AfterHelper.TailCall;
  }
  return AfterHelper.Continue;
}
