import type { ProgTypeName } from '../../progtypes/prog-types.js';
import { CtxImage } from '../ctx/image.js';
import { UserMemory } from '../ctx/user-memory.js';
import { HookPoint, type ArenaSlot } from '../hook-point.js';
import { SYS_ENTER_ARGS, SYS_ENTER_LAYOUT, SYS_EXIT_LAYOUT, SYS_EXIT_RET, SYS_ID } from './syscall-structs.js';

/** A system call argument: a number, or data in user memory the argument points to. */
export type SyscallArg = bigint | number | { readonly string: string } | { readonly bytes: Uint8Array };

/** Bytes of user memory per event (a path, the data of a write, a sockaddr). */
export const USER_MEMORY_BYTES = 4096;

/** What a syscall's tracepoints tell the source that feeds them. */
export interface SyscallSource {
  hookActivated(): void;
  hookDeactivated(): void;
}

/**
 * `tracepoint/syscalls/sys_enter_<name>` or `sys_exit_<name>`: the kernel's
 * records (trace_event_raw_sys_enter / _exit) for a system call Node.js
 * makes, fired from the place where Node makes it (see syscall-table.ts).
 */
export class SyscallTracepoint extends HookPoint {
  readonly name: string;
  readonly progTypes: readonly ProgTypeName[] = ['tracepoint'];
  readonly ctxSize: number;
  protected override readonly scratchSize: number;
  private readonly image: CtxImage;
  private readonly memory: UserMemory;

  constructor(private readonly source: SyscallSource, readonly syscall: string, readonly nr: number, readonly exit: boolean, readonly id: number) {
    super();
    this.name = `tracepoint/syscalls/sys_${exit ? 'exit' : 'enter'}_${syscall}`;
    const layout = exit ? SYS_EXIT_LAYOUT : SYS_ENTER_LAYOUT;
    this.image = new CtxImage(layout);
    this.ctxSize = layout.size;
    this.scratchSize = exit ? 0 : USER_MEMORY_BYTES;
    this.memory = new UserMemory(exit ? 8 : USER_MEMORY_BYTES, USER_MEMORY_BYTES);
  }

  protected activate(): void {
    this.source.hookActivated();
  }

  protected deactivate(): void {
    this.source.hookDeactivated();
  }

  private begin(): CtxImage {
    const img = this.image.clear();
    img.u16(0, this.id);
    img.s32(4, process.pid);
    img.u64(SYS_ID, this.nr);
    return img;
  }

  /** Fires sys_enter_ with the arguments `args` builds (built inside the guard: a bad argument skips the event). */
  fireEnter(args: () => readonly SyscallArg[]): void {
    this.guard(() => {
      const list = args();
      const img = this.begin();
      const mem = this.memory;
      mem.reset();
      list.forEach((a, i) => {
        const at = SYS_ENTER_ARGS + 8 * i;
        if (typeof a === 'bigint' || typeof a === 'number') img.u64(at, a);
        else if ('string' in a) mem.string(img, at, a.string);
        else mem.data(img, at, a.bytes);
      });
      this.runAll(this.placeEnter);
    });
  }

  fireExit(ret: bigint | number): void {
    this.guard(() => {
      this.begin().u64(SYS_EXIT_RET, ret);
      this.runAll(this.placeExit);
    });
  }

  private readonly placeEnter = (slot: ArenaSlot): void => this.memory.place(this.image, slot);
  private readonly placeExit = (slot: ArenaSlot): void => HookPoint.writeCtx(slot, this.image.bytes);
}
