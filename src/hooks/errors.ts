import { TsbpfError } from '../errors.js';

/** Something about attaching a program to a hook went wrong. */
export class HookError extends TsbpfError {}

/** The hook a section or spec names does not exist; lists the ones that do. */
export class UnknownHookError extends HookError {
  constructor(readonly spec: string, readonly known: readonly string[], detail = '') {
    super(`unknown hook "${spec}"${detail ? `: ${detail}` : ''}${known.length ? ` (known: ${known.join(', ')})` : ''}`);
  }
}

/** A program whose type the hook cannot run (the kernel's -EINVAL at attach). */
export class WrongProgramTypeError extends HookError {
  constructor(readonly program: string, readonly type: string, readonly hook: string, readonly expected: readonly string[]) {
    super(`program ${program} of type ${type} cannot attach to ${hook}: it takes ${expected.join(' or ')} programs`);
  }
}

/**
 * A program reads past the context of the hook it attaches to (the kernel
 * refuses the attach with -EACCES when the verifier's max_ctx_offset exceeds
 * the tracepoint's record size).
 */
export class CtxAccessError extends HookError {
  constructor(readonly program: string, readonly hook: string, readonly maxCtxOffset: number, readonly ctxSize: number) {
    super(`program ${program} reads its context up to byte ${maxCtxOffset}, but ${hook} passes ${ctxSize} bytes: invalid bpf_context access`);
  }
}

/** A hook spec that parses but names no usable target (a module without that export, a bad option). */
export class HookTargetError extends HookError {}
