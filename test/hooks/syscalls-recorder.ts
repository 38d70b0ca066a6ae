// Attaches a sys_enter_ and a sys_exit_ program (hand-assembled, run by the
// interpreter) to syscall tracepoints and records what each one saw:
// the enter's first three arguments and the bytes args[1] points to
// (args[2] of them: a write's data, a connect's sockaddr), the exit's ret.
import type { HelperFn } from '../../src/engine/abi.js';
import { attach } from '../../src/hooks/attach.js';
import type { Link } from '../../src/hooks/link.js';
import { SYS_ENTER_ARGS, SYS_EXIT_RET, SYS_ID } from '../../src/hooks/syscalls/syscall-structs.js';
import { Arena } from '../../src/memory/arena.js';
import { asmProgram } from './support.js';

export interface SysEnter {
  readonly phase: 'enter';
  readonly syscall: string;
  readonly nr: bigint;
  readonly fd: number;
  /** args[1] as the program saw it (0 or a pointer into the arena). */
  readonly pointer: bigint;
  /** args[2]: a count or a length. */
  readonly count: number;
  /** The bytes at args[1] (at most args[2], at most 4 KiB), null when args[1] is 0. */
  readonly data: Buffer | null;
}

export interface SysExit {
  readonly phase: 'exit';
  readonly syscall: string;
  readonly nr: bigint;
  readonly ret: number;
}

export type SysEvent = SysEnter | SysExit;

/** The most a test reads of the user memory a pointer argument points to. */
const USER_MEMORY = 4096;

const enterText = `
  r6 = r1
  r1 = *(u64 *)(r6 + ${SYS_ID})
  r2 = *(u64 *)(r6 + ${SYS_ENTER_ARGS})
  r3 = *(u64 *)(r6 + ${SYS_ENTER_ARGS + 8})
  r4 = *(u64 *)(r6 + ${SYS_ENTER_ARGS + 16})
  call 6
  r0 = 0
  exit`;

const exitText = `
  r6 = r1
  r1 = *(u64 *)(r6 + ${SYS_ID})
  r2 = *(u64 *)(r6 + ${SYS_EXIT_RET})
  call 7
  r0 = 0
  exit`;

export class SyscallRecorder {
  readonly events: SysEvent[] = [];
  private readonly links: Link[] = [];

  constructor(syscalls: readonly string[]) {
    const arena = new Arena();
    for (const syscall of syscalls) {
      const onEnter: HelperFn = (_e, nr, fd, pointer, count) => {
        const n = Number(count);
        let data: Buffer | null = null;
        if (pointer !== 0n) {
          const at = arena.offsetOf(pointer);
          data = Buffer.from(arena.bytes.subarray(at, at + Math.min(n, USER_MEMORY)));
        }
        this.events.push({ phase: 'enter', syscall, nr, fd: Number(BigInt.asIntN(64, fd)), pointer, count: n, data });
        return 0n;
      };
      const onExit: HelperFn = (_e, nr, ret) => {
        this.events.push({ phase: 'exit', syscall, nr, ret: Number(BigInt.asIntN(64, ret)) });
        return 0n;
      };
      this.links.push(
        attach(asmProgram(enterText, { type: 'tracepoint', arena, helpers: new Map([[6, onEnter]]) }), `tracepoint/syscalls/sys_enter_${syscall}`),
        attach(asmProgram(exitText, { type: 'tracepoint', arena, helpers: new Map([[7, onExit]]) }), `tracepoint/syscalls/sys_exit_${syscall}`),
      );
    }
  }

  detach(): void {
    for (const l of this.links.splice(0)) l.detach();
  }

  /** The enters of one system call (on one descriptor). */
  enters(syscall: string, fd?: number): SysEnter[] {
    return this.events.filter((e): e is SysEnter => e.phase === 'enter' && e.syscall === syscall && (fd === undefined || e.fd === fd));
  }

  exits(syscall: string): SysExit[] {
    return this.events.filter((e): e is SysExit => e.phase === 'exit' && e.syscall === syscall);
  }

  /**
   * Calls whose exit came right after their enter (reads always; writes
   * that libuv finished at once; closes): [enter, ret].
   */
  calls(syscall: string, fd?: number): Array<[SysEnter, number]> {
    const out: Array<[SysEnter, number]> = [];
    const mine = this.events.filter((e) => e.syscall === syscall);
    mine.forEach((e, i) => {
      const next = mine[i + 1];
      if (e.phase === 'enter' && (fd === undefined || e.fd === fd) && next?.phase === 'exit') out.push([e, next.ret]);
    });
    return out;
  }

  /** The sum of the bytes read on `fd` (read's exits, end of file and errors as 0). */
  bytesRead(fd: number): number {
    return this.calls('read', fd).reduce((s, [, ret]) => s + Math.max(ret, 0), 0);
  }

  /** The sum of the counts written on `fd`. */
  bytesWritten(fd: number): number {
    return this.enters('write', fd).reduce((s, e) => s + e.count, 0);
  }

  /** The data the writes on `fd` carried (each write's first 4 KiB), joined. */
  dataWritten(fd: number): Buffer {
    return Buffer.concat(this.enters('write', fd).map((e) => e.data ?? Buffer.alloc(0)));
  }
}
