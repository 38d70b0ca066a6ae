import { TsbpfError } from '../errors.js';
import type { Instruction } from '../isa/instruction.js';
import {
  BPF_ALU64, BPF_CALL, BPF_DW, BPF_EXIT, BPF_JMP, BPF_K, BPF_MEM, BPF_MOV, BPF_PSEUDO_CALL, BPF_STX, BPF_X,
} from '../isa/opcodes.js';
import { KernelProgram } from './program.js';
import { BPF_F_SLEEPABLE } from './uapi.js';

/** What a program left behind under the conformance calling convention. */
export interface KernelRunResult {
  /** All 64 bits of r0 (the test run itself reports only the low 32). */
  readonly r0: bigint;
  /** The memory r1 pointed at, after the run. */
  readonly mem: Uint8Array;
}

export interface KernelRunOptions {
  /** Verifier log level of the load (default 0: a log only when it refuses). */
  readonly logLevel?: number;
  readonly name?: string;
}

/**
 * The most memory a program can get: BPF_PROG_TYPE_SYSCALL contexts end
 * below 64 KiB, and the wrapper stores r0 after the memory through a 16-bit
 * instruction offset.
 */
export const MAX_KERNEL_RUN_MEM = 0x7ff8 - 8;

/** A caller-side problem with runInKernel's input (too much memory). */
export class KernelRunInputError extends TsbpfError {}

/**
 * Runs a program in the kernel under the conformance calling convention
 * (r1 = pointer to `mem`, r2 = its length) and returns r0 and the memory.
 *
 * How: the program is loaded as BPF_PROG_TYPE_SYSCALL (sleepable, as the
 * kernel requires), whose context is plain memory of any size the test run
 * gives (ctx_size_in must cover the largest ctx offset the program uses), and
 * which the kernel copies back over ctx_in after the run. The context is `mem`
 * padded to 8 bytes plus an 8-byte slot; a 6-instruction wrapper calls the
 * program as a bpf-to-bpf sub-program and stores its full 64-bit r0 in that
 * slot, because BPF_PROG_TEST_RUN reports only 32 bits of r0.
 *
 * What the kernel refuses here, with a VerifierRejectedError carrying its log
 * (of the conformance suite's 313 programs it runs 293, all with the expected
 * r0; the other 20 are refusals of the first four kinds):
 * - shifts by an immediate of the operand width or more (`invalid shift 32`);
 * - accesses through r1 not aligned to their size (`invalid bpf_context
 *   access off=2 size=4`), or after arithmetic on r1 (`dereference of modified
 *   ctx ptr R1 off=8 disallowed`);
 * - callx (`unknown opcode 8d`);
 * - atomics on the memory (`BPF_ATOMIC stores into R1 ctx is not allowed`);
 * - loops the verifier cannot bound (`infinite loop detected at insn N`,
 *   `BPF program is too large`);
 * - helpers a syscall program may not call (`invalid func unknown#N`), and
 *   LD_ABS/LD_IND;
 * - reads of registers never written (`R2 !read_ok`) or of uninitialised
 *   stack;
 * - since the program runs one frame deep: call chains of 8 frames, or more
 *   than 480 bytes of stack over the chain.
 */
export function runInKernel(insns: readonly Instruction[], mem: Uint8Array, options: KernelRunOptions = {}): KernelRunResult {
  if (mem.length > MAX_KERNEL_RUN_MEM) {
    throw new KernelRunInputError(`memory of ${mem.length} bytes: the kernel backend takes at most ${MAX_KERNEL_RUN_MEM}`);
  }
  const slot = (mem.length + 7) & ~7;
  const ctx = new Uint8Array(slot + 8);
  ctx.set(mem);
  const program = KernelProgram.load({
    type: 'BPF_PROG_TYPE_SYSCALL',
    flags: BPF_F_SLEEPABLE,
    insns: [...conventionWrapper(mem.length, slot), ...insns],
    logLevel: options.logLevel,
    name: options.name ?? 'tsbpf_run',
  });
  try {
    const after = program.testRun({ ctxIn: ctx }).ctxInAfter ?? ctx;
    const r0 = new DataView(after.buffer, after.byteOffset).getBigUint64(slot, true);
    return { r0, mem: after.slice(0, mem.length) };
  } finally {
    program.close();
  }
}

/** Instructions the wrapper puts before the program (whose slot 0 follows them). */
export const WRAPPER_LENGTH = 6;

/** r6 = ctx; r2 = len; call program; *(u64 *)(r6 + slot) = r0; r0 = 0; exit. */
function conventionWrapper(length: number, slot: number): Instruction[] {
  return [
    { opcode: BPF_ALU64 | BPF_MOV | BPF_X, dst: 6, src: 1, off: 0, imm: 0 },
    { opcode: BPF_ALU64 | BPF_MOV | BPF_K, dst: 2, src: 0, off: 0, imm: length },
    { opcode: BPF_JMP | BPF_CALL, dst: 0, src: BPF_PSEUDO_CALL, off: 0, imm: WRAPPER_LENGTH - 3 },
    { opcode: BPF_STX | BPF_MEM | BPF_DW, dst: 6, src: 0, off: slot, imm: 0 },
    { opcode: BPF_ALU64 | BPF_MOV | BPF_K, dst: 0, src: 0, off: 0, imm: 0 },
    { opcode: BPF_JMP | BPF_EXIT, dst: 0, src: 0, off: 0, imm: 0 },
  ];
}
