import { SyscallTracepoint, type SyscallSource } from './syscall-tracepoint.js';

/**
 * The sys_enter_ and sys_exit_ tracepoints of one system call and the
 * instrumentation that feeds them: `install` puts it in place when either
 * tracepoint gets its first program and returns the function that takes it
 * out when both are empty again.
 */
export class SyscallPair implements SyscallSource {
  readonly enter: SyscallTracepoint;
  readonly exit: SyscallTracepoint;
  private undo: (() => void) | null = null;

  constructor(readonly name: string, readonly nr: number, private readonly install: (pair: SyscallPair) => () => void) {
    // Tracepoint ids: tsbpf's own numbering (the kernel's differ per build), enter even, exit odd.
    this.enter = new SyscallTracepoint(this, name, nr, false, 2000 + 2 * nr);
    this.exit = new SyscallTracepoint(this, name, nr, true, 2001 + 2 * nr);
  }

  hookActivated(): void {
    if (!this.undo) this.undo = this.install(this);
  }

  hookDeactivated(): void {
    if (this.enter.active || this.exit.active || !this.undo) return;
    const undo = this.undo;
    this.undo = null;
    undo();
  }
}
