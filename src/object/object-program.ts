import type { ProgramSpec } from '../elf/object-spec.js';
import type { BackendProgram, TestRunOptions, TestRunResult } from './backend.js';
import type { VmProgram } from '../vm/vm-program.js';
import { TsbpfError } from '../errors.js';
import type { AttachOptions as KernelAttachOptions } from '../kernel/attach/attach-by-section.js';
import type { KernelLink } from '../kernel/attach/kernel-link.js';

/** A program of a loaded object, the same on both backends. */
export class ObjectProgram {
  constructor(private readonly live: BackendProgram) {}

  get spec(): ProgramSpec { return this.live.spec; }
  get name(): string { return this.live.spec.name; }
  get section(): string { return this.live.spec.section; }
  /** The kernel's program type name without prefix, lower case: `xdp`, `socket_filter`, `sched_cls`... */
  get type(): string { return this.live.spec.type.replace(/^BPF_PROG_TYPE_/, '').toLowerCase(); }
  /** Program id on its backend (kernel program id, or the VM's: what prog arrays hold). */
  get id(): number { return this.live.id; }
  /** What a prog array takes through bpf() for this program (its fd, or its VM id). */
  get refValue(): number { return this.live.refValue; }
  /** The VM program behind this program (null on the kernel backend): for tsbpf's user-space hooks. */
  get vmProgram(): VmProgram | null { return this.live.vmProgram ?? null; }

  /**
   * BPF_PROG_TEST_RUN: builds the program type's context from dataIn/ctxIn
   * as the kernel does, runs the program `repeat` times and reports its
   * return value, average duration, data out and ctx out.
   */
  testRun(options: TestRunOptions = {}): TestRunResult {
    return this.live.testRun(options);
  }

  /**
   * Kernel backend: attaches the program to the hook its section names
   * (`tracepoint/syscalls/sys_enter_openat`, `xdp` with `{ interface }`...)
   * through a bpf link; close() the link to detach. VM programs attach
   * through tsbpf's user-space hooks (src/hooks) instead.
   */
  attach(options: KernelAttachOptions = {}): KernelLink {
    if (!this.live.attachInKernel) {
      throw new TsbpfError(`program ${this.name} runs in tsbpf's VM: attach it to a user-space hook with attach() from tsbpf's hooks`);
    }
    return this.live.attachInKernel(options);
  }
}
