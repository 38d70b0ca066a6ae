import type { HeaderSpec } from '../ctx/c-header.js';
import {
  ArgKind, UPROBE_CTX, UPROBE_F_PROMISE, UPROBE_F_RETURN, UPROBE_F_THREW, UPROBE_F_TRUNCATED, UPROBE_MAX_ARGS,
  UPROBE_STR_MAX,
} from './uprobe-ctx.js';

/** include/tsbpf/uprobe.h: the context of uprobes on JavaScript functions. */
export const UPROBE_HEADER: HeaderSpec = {
  file: 'uprobe.h',
  title: 'Context of tsbpf\'s uprobes on JavaScript functions: SEC("uprobe/<module>:<export>") and SEC("uretprobe/...").\n'
    + ' * The ctx starts with struct pt_regs, so libbpf\'s PT_REGS_PARM1(ctx)... (with __TARGET_ARCH_x86) read\n'
    + ' * the arguments and PT_REGS_RC(ctx) the return value; cast to struct tsbpf_uprobe_ctx for the rest.',
  structs: [UPROBE_CTX],
  defines: [
    ['TSBPF_UPROBE_MAX_ARGS', String(UPROBE_MAX_ARGS), 'arguments passed in registers'],
    ['TSBPF_UPROBE_STR_MAX', String(UPROBE_STR_MAX), 'longest string copied to user memory, with its NUL'],
    ['TSBPF_UPROBE_F_RETURN', String(UPROBE_F_RETURN), 'a uretprobe event'],
    ['TSBPF_UPROBE_F_THREW', String(UPROBE_F_THREW), 'the function threw (or its promise rejected): ax points to the message'],
    ['TSBPF_UPROBE_F_PROMISE', String(UPROBE_F_PROMISE), 'the function returned a promise; the event is its settling'],
    ['TSBPF_UPROBE_F_TRUNCATED', String(UPROBE_F_TRUNCATED), 'a string or buffer was cut to fit user memory'],
    ['TSBPF_ARG_UNDEFINED', String(ArgKind.Undefined)],
    ['TSBPF_ARG_NULL', String(ArgKind.Null)],
    ['TSBPF_ARG_BOOLEAN', String(ArgKind.Boolean)],
    ['TSBPF_ARG_INTEGER', String(ArgKind.Integer), 'two\'s complement u64'],
    ['TSBPF_ARG_FLOAT', String(ArgKind.Float), 'truncated toward zero'],
    ['TSBPF_ARG_BIGINT', String(ArgKind.BigInt), 'modulo 2^64'],
    ['TSBPF_ARG_STRING', String(ArgKind.String), 'pointer to NUL-terminated UTF-8 (bpf_probe_read_user_str)'],
    ['TSBPF_ARG_BYTES', String(ArgKind.Bytes), 'pointer to a Buffer\'s bytes (bpf_probe_read_user)'],
    ['TSBPF_ARG_OBJECT', String(ArgKind.Object)],
    ['TSBPF_ARG_FUNCTION', String(ArgKind.Function)],
    ['TSBPF_ARG_SYMBOL', String(ArgKind.Symbol)],
    ['TSBPF_UPROBE_CTX(ctx)', '((struct tsbpf_uprobe_ctx *)(ctx))', 'the tsbpf fields of a uprobe ctx'],
  ],
};
