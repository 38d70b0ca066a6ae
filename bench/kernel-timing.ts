import type { Instruction } from '../src/isa/instruction.js';
import { KernelProgram } from '../src/kernel/index.js';

export interface KernelTiming {
  /** The kernel's own average over `repeat` runs (BPF_PROG_TEST_RUN's duration). */
  readonly nsPerRun: number;
  readonly repeat: number;
  readonly result: bigint;
  /** Instructions the verifier processed to accept it. */
  readonly verifiedInsns: number;
}

/**
 * Loads the program as XDP and times it with BPF_PROG_TEST_RUN: one run on a
 * fresh packet for the result, then one test run with a repeat count sized to
 * last about `minMillis`.
 */
export function timeInKernel(insns: readonly Instruction[], packet: Uint8Array, minMillis: number, name: string): KernelTiming {
  const prog = KernelProgram.load({ type: 'BPF_PROG_TYPE_XDP', insns, name });
  try {
    const first = prog.testRun({ dataIn: packet });
    const out = first.dataOut ?? new Uint8Array(8);
    const result = new DataView(out.buffer, out.byteOffset).getBigUint64(0, true);
    const probe = prog.testRun({ dataIn: packet, repeat: 1000 });
    const repeat = Math.max(1000, Math.min(10_000_000, Math.ceil((minMillis * 1e6) / Math.max(1, probe.durationNs))));
    const timed = prog.testRun({ dataIn: packet, repeat });
    return { nsPerRun: timed.durationNs, repeat, result, verifiedInsns: prog.info().verifiedInsns };
  } finally {
    prog.close();
  }
}
