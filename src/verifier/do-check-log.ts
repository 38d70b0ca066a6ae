// Log output of the main loop, as the kernel's do_check writes it.
import type { VerifierEnv } from './env.js';
import { vlogAlignment } from './log.js';
import { verifierStateStr } from './print-state.js';
import type { VerifierState } from './verifier-state.js';

/** print_verifier_state */
export function printVerifierState(env: VerifierEnv, vs: VerifierState, frameno: number, printAll: boolean): void {
  if (!env.log.enabled) return;
  env.verbose(verifierStateStr(vs, frameno, printAll, { regs: env.scratchedRegs, stack: env.scratchedStack }, env.maps));
  if (!printAll) env.markStateClean();
}

/**
 * print_insn_state: appends `; <state>` to the instruction's line when
 * nothing was printed since, or starts a `N:` line.
 */
export function printInsnState(env: VerifierEnv, vs: VerifierState): void {
  if (!env.log.enabled) return;
  if (env.prevLogPos && env.prevLogPos === env.log.endPos) {
    env.log.reset(env.prevLogPos - 1);
    env.verbose(`${' '.repeat(vlogAlignment(env.prevInsnPrintPos))};`);
  } else {
    env.verbose(`${env.insnIdx}:`);
  }
  printVerifierState(env, vs, vs.curframe, false);
}
