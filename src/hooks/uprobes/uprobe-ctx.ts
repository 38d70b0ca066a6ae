import { PT_REGS } from '../ctx/kernel-structs.js';
import { fieldOffset, layoutOf, type StructDef } from '../ctx/layout.js';

/** Arguments a uprobe context carries in registers (x86-64: di, si, dx, cx, r8, r9). */
export const UPROBE_MAX_ARGS = 6;
/** The longest string or buffer copied into user memory for one argument (bytes, with the NUL). */
export const UPROBE_STR_MAX = 1024;
/** Bytes of user memory per event for the strings and buffers arguments point to. */
export const UPROBE_SCRATCH = 8192;

/** What a register holds (arg_kind[i], ret_kind). */
export const enum ArgKind {
  Undefined = 0,
  Null = 1,
  Boolean = 2,
  /** An integral number, as a two's complement u64. */
  Integer = 3,
  /** A number with a fraction, truncated toward zero. */
  Float = 4,
  BigInt = 5,
  /** A pointer to NUL-terminated UTF-8 in user memory; arg_len is its byte length. */
  String = 6,
  /** A pointer to the bytes of a Buffer, TypedArray or ArrayBuffer; arg_len is its length. */
  Bytes = 7,
  Object = 8,
  Function = 9,
  Symbol = 10,
}

/** flags bits. */
export const UPROBE_F_RETURN = 1;
export const UPROBE_F_THREW = 2;
export const UPROBE_F_PROMISE = 4;
export const UPROBE_F_TRUNCATED = 8;

/**
 * The context of `uprobe/...` and `uretprobe/...` programs on JavaScript
 * functions: x86-64 pt_regs first (PT_REGS_PARM1(ctx)... are the first
 * arguments, PT_REGS_RC(ctx) the return value, PT_REGS_IP(ctx) the probed
 * function's id), then what a JavaScript call has beyond registers.
 */
export const UPROBE_CTX: StructDef = {
  name: 'tsbpf_uprobe_ctx',
  doc: 'uprobe/<module>:<export> and uretprobe/...: a call of a JavaScript function',
  fields: [
    { name: 'regs', type: PT_REGS, doc: 'di, si, dx, cx, r8, r9 = arguments 1-6; ax = return value; ip = function id' },
    { name: 'entry_ns', type: '__u64', doc: 'monotonic time of the call' },
    { name: 'latency_ns', type: '__u64', doc: 'uretprobe: from the call to the return (or the promise\'s settling)' },
    { name: 'nargs', type: '__u32', doc: 'arguments passed (may exceed 6)' },
    { name: 'flags', type: '__u32', doc: 'TSBPF_UPROBE_F_*' },
    { name: 'arg_len', type: '__u32', count: UPROBE_MAX_ARGS, doc: 'String/Bytes arguments: their length in bytes' },
    { name: 'ret_len', type: '__u32', doc: 'String/Bytes return value (or thrown message): its length' },
    { name: 'arg_kind', type: '__u8', count: UPROBE_MAX_ARGS, doc: 'TSBPF_ARG_* of each argument' },
    { name: 'ret_kind', type: '__u8', doc: 'TSBPF_ARG_* of the return value' },
    { name: 'pad', type: '__u8' },
  ],
};

export const UPROBE_LAYOUT = layoutOf(UPROBE_CTX);

const o = (name: string): number => fieldOffset(UPROBE_LAYOUT, name);
export const UPROBE_AT = {
  args: ['di', 'si', 'dx', 'cx', 'r8', 'r9'].map((r) => o(`regs.${r}`)),
  ax: o('regs.ax'),
  ip: o('regs.ip'),
  entryNs: o('entry_ns'),
  latencyNs: o('latency_ns'),
  nargs: o('nargs'),
  flags: o('flags'),
  argLen: o('arg_len'),
  retLen: o('ret_len'),
  argKind: o('arg_kind'),
  retKind: o('ret_kind'),
} as const;
