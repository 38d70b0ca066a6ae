import type { ProgramSpec } from '../elf/object-spec.js';
import type { BackendName, BackendProgram, TestRunOptions, TestRunResult } from './backend.js';
import type { VmProgram } from '../vm/vm-program.js';
import { TsbpfError } from '../errors.js';
import type { AttachOptions as KernelAttachOptions } from '../kernel/attach/attach-by-section.js';
import type { KernelLink } from '../kernel/attach/kernel-link.js';
import { attach as attachToHook, type HookAttachOptions } from '../hooks/attach.js';
import type { HookPoint } from '../hooks/hook-point.js';
import type { Link } from '../hooks/link.js';

/** What attach() returns on backend B: a bpf link in the kernel, a hooks Link in the VM. */
export type ProgramLink<B extends BackendName> = B extends 'kernel' ? KernelLink : B extends 'vm' ? Link : KernelLink | Link;

/** What attach() takes on backend B. */
export type ProgramAttachOptions<B extends BackendName> = B extends 'kernel' ? KernelAttachOptions : B extends 'vm' ? HookAttachOptions : KernelAttachOptions | HookAttachOptions;

/** A program of a loaded object, the same on both backends (`B`: which one, when known statically). */
export class ObjectProgram<B extends BackendName = BackendName> {
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
   * Attaches the program to the hook its section names, libbpf style, and
   * returns the link; `detach()` it to remove the program.
   * - Kernel backend: through a bpf link (`tracepoint/syscalls/sys_enter_openat`,
   *   `xdp` with `{ interface }`...); options say what the section cannot.
   * - VM backend: to tsbpf's user-space hook (`tracepoint/node/http_server_request`,
   *   `uprobe/./lib/db.js:query`, `perf_event`, `xdp` with `{ interface }`...);
   *   `hook` replaces the section's, as hooks' attach(program, hook, options).
   */
  attach(options?: ProgramAttachOptions<B>): ProgramLink<B>;
  attach(hook: string | HookPoint, options?: HookAttachOptions): Link;
  attach(hookOrOptions?: string | HookPoint | KernelAttachOptions | HookAttachOptions, options: HookAttachOptions = {}): KernelLink | Link {
    const hook = typeof hookOrOptions === 'string' || isHookPoint(hookOrOptions) ? hookOrOptions : undefined;
    if (this.live.attachInKernel) {
      if (hook !== undefined) {
        throw new TsbpfError(`program ${this.name} lives in the kernel: it attaches where its section says (pass { target } to change the target), not to tsbpf's hook ${String(hook)}`);
      }
      return this.live.attachInKernel((hookOrOptions ?? {}) as KernelAttachOptions);
    }
    return attachToHook(this, hook, hook === undefined ? (hookOrOptions ?? {}) as HookAttachOptions : options);
  }
}

const isHookPoint = (x: unknown): x is HookPoint => typeof x === 'object' && x !== null && 'attach' in x && typeof (x as HookPoint).attach === 'function';
