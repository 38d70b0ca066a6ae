import { TsbpfError } from '../../errors.js';

/** What a program is attached to (the kinds of hook this layer knows). */
export type AttachKind =
  | 'tracepoint' | 'raw_tracepoint' | 'kprobe' | 'kretprobe' | 'uprobe' | 'uretprobe' | 'perf_event'
  | 'xdp' | 'tcx' | 'tc' | 'socket_filter' | 'cgroup';

/** The target of an attach does not exist or is malformed: which kind of hook, which target, why. */
export class AttachTargetError extends TsbpfError {
  constructor(readonly kind: AttachKind, readonly target: string, readonly reason: string) {
    super(`${kind} ${target}: ${reason}`);
  }
}

/** A network interface named by an XDP or tc attach does not exist (in this network namespace). */
export class NoSuchInterfaceError extends AttachTargetError {
  constructor(kind: AttachKind, readonly interfaceName: string) {
    super(kind, interfaceName, 'no such network interface in this network namespace');
  }
}

/** A uprobe's symbol is not in the binary's symbol tables (.symtab, .dynsym). */
export class SymbolNotFoundError extends AttachTargetError {
  constructor(kind: AttachKind, readonly binary: string, readonly symbol: string, detail = '') {
    super(kind, `${binary}:${symbol}`, `no function symbol ${symbol} in ${binary}${detail ? ` (${detail})` : ''}`);
  }
}

/**
 * The program's type cannot go to this hook, or the section name does not say
 * where it goes: which program, and what was expected.
 */
export class AttachProgramError extends TsbpfError {
  constructor(readonly program: string, readonly reason: string) {
    super(`program ${program}: ${reason}`);
  }
}
