import type { Arena } from '../memory/arena.js';
import { EINVAL, ENOTSUPP } from '../maps/errno.js';
import type { ProgTypeName } from './prog-types.js';
import type { ProgramContext } from './context-registry.js';
import { TestRunInputError } from './errors.js';
import { XdpBuff } from './xdp-buff.js';
import { SkbBuff, type SkbRunKind } from './skb-buff.js';
import { RawContext } from './raw-context.js';
import { PT_REGS_SIZE, PERF_EVENT_DATA_SIZE } from './pt-regs.js';
import { XDP_MD_SIZE } from './xdp-md.js';
import { SK_BUFF_SIZE } from './sk-buff.js';

/** MAX_BPF_FUNC_ARGS: raw_tracepoint and tracing programs get up to 12 u64 arguments. */
const MAX_BPF_FUNC_ARGS = 12;
/** PERF_MAX_TRACE_SIZE: the largest tracepoint record. */
const PERF_MAX_TRACE_SIZE = 8192;

/** What a program type's context is, for test runs. */
export type ContextKind = 'xdp_md' | '__sk_buff' | 'pt_regs' | 'bpf_perf_event_data' | 'tracepoint' | 'u64_args' | 'syscall';

const SKB_KINDS: Partial<Record<ProgTypeName, SkbRunKind>> = {
  socket_filter: { l2: false, directPacketAccess: false },
  sched_cls: { l2: true, directPacketAccess: true },
  sched_act: { l2: true, directPacketAccess: true },
  cgroup_skb: { l2: false, directPacketAccess: true },
  lwt_in: { l2: false, directPacketAccess: true },
  lwt_out: { l2: false, directPacketAccess: true },
  lwt_xmit: { l2: false, directPacketAccess: true },
  sk_skb: { l2: false, directPacketAccess: true },
};

const CONTEXTS: Partial<Record<ProgTypeName, ContextKind>> = {
  xdp: 'xdp_md',
  kprobe: 'pt_regs',
  perf_event: 'bpf_perf_event_data',
  tracepoint: 'tracepoint',
  raw_tracepoint: 'u64_args',
  raw_tracepoint_writable: 'u64_args',
  tracing: 'u64_args',
  syscall: 'syscall',
};

/** The context kind of a program type, or undefined when tsbpf cannot test-run it. */
export function contextKind(type: ProgTypeName): ContextKind | undefined {
  return SKB_KINDS[type] ? '__sk_buff' : CONTEXTS[type];
}

/** How a program type sees an skb (tc at L2 with direct access, socket filters at L3 without...). */
export function skbRunKind(type: ProgTypeName): SkbRunKind | undefined {
  return SKB_KINDS[type];
}

export interface TestRunInput {
  /** The packet (packet types), absent or empty for the others. */
  readonly dataIn?: Uint8Array;
  /** The context struct (struct xdp_md, struct __sk_buff, struct pt_regs, u64 args...). */
  readonly ctxIn?: Uint8Array;
  /**
   * The caller wants ctx_out. As in the kernel, asking for it without a
   * ctx_in runs the program with a zeroed ctx_in (for XDP: a linear part of
   * 0 bytes, all of the packet in fragments; for skbs: wire_len = len).
   */
  readonly ctxOut?: boolean;
  /**
   * The last context byte the verifier saw the program read (the kernel's
   * max_ctx_offset). As in the kernel, a raw tracepoint or syscall ctx_in
   * shorter than it is refused (EINVAL); tsbpf's fixed-size contexts (pt_regs,
   * perf_event data, tracepoint records) are zero-padded to cover it, since
   * a program verified against a hook's longer context may read past them.
   */
  readonly maxCtxOffset?: number;
}

/** A context built in the arena for one run; read the output, then release it. */
export interface PreparedTestRun {
  /** What r1 holds at entry. */
  readonly ctx: bigint;
  readonly context: ProgramContext;
  /** data_out (packet types) and ctx_out, as BPF_PROG_TEST_RUN reports them after the run. */
  output(): { dataOut?: Uint8Array; ctxOut?: Uint8Array };
  release(): void;
}

/**
 * Builds the context (and packet) of a test run in the arena, as
 * BPF_PROG_TEST_RUN does for the program type: xdp_md with 256 bytes of
 * headroom, an skb with __sk_buff, pt_regs for kprobes, u64 arguments for
 * raw tracepoints and tracing programs, the record for tracepoints.
 * Types the kernel can test-run refuse inputs as the kernel does
 * (TestRunInputError with its errno); tsbpf also runs the tracing types the
 * kernel cannot (kprobe, tracepoint, perf_event) with ctx_in as the context.
 */
export function prepareTestRun(arena: Arena, type: ProgTypeName, input: TestRunInput): PreparedTestRun {
  const kind = contextKind(type);
  const dataIn = input.dataIn ?? new Uint8Array(0);
  if (kind === undefined) throw new TestRunInputError(ENOTSUPP, `program type ${type} cannot be test-run`);
  const packetCtx = (size: number): Uint8Array | undefined => input.ctxIn ?? (input.ctxOut ? new Uint8Array(size) : undefined);
  if (kind === 'xdp_md') {
    const buff = XdpBuff.create(arena, dataIn, packetCtx(XDP_MD_SIZE));
    return prepared(arena, buff, () => ({ dataOut: buff.dataOut(), ctxOut: buff.ctxOut() }));
  }
  if (kind === '__sk_buff') {
    const buff = SkbBuff.create(arena, dataIn, SKB_KINDS[type]!, packetCtx(SK_BUFF_SIZE));
    return prepared(arena, buff, () => ({ dataOut: buff.dataOut(), ctxOut: buff.ctxOut() }));
  }
  if (dataIn.length > 0) throw new TestRunInputError(EINVAL, `program type ${type} takes no data_in, only a ctx_in`);
  const ctxIn = input.ctxIn ?? new Uint8Array(0);
  const raw = rawContext(arena, type, kind, ctxIn, input.maxCtxOffset ?? 0);
  return prepared(arena, raw, () => ({ ctxOut: raw.bytes() }));
}

function rawContext(arena: Arena, type: ProgTypeName, kind: ContextKind, ctxIn: Uint8Array, maxCtxOffset: number): RawContext {
  // A program verified against a hook's longer context (tsbpf_uprobe_ctx...) reads past the struct:
  // the context then reaches max_ctx_offset, zero-padded, and ctx_in may fill it.
  const padded = (bytes: Uint8Array, minSize: number, name: string): RawContext => {
    const ctx = new Uint8Array(Math.max(bytes.length, minSize, maxCtxOffset));
    ctx.set(bytes);
    return new RawContext(arena, ctx, ctx.length, false, name);
  };
  const fixed = (structSize: number, name: string): RawContext => {
    const size = Math.max(structSize, maxCtxOffset);
    if (ctxIn.subarray(size).some((b) => b !== 0)) throw new TestRunInputError(EINVAL, `ctx_in is larger than ${name} (${size} bytes)`);
    return padded(ctxIn.subarray(0, size), structSize, name);
  };
  const coversReads = (name: string): void => {
    if (ctxIn.length < maxCtxOffset) {
      throw new TestRunInputError(EINVAL, `ctx_in is ${ctxIn.length} bytes, but the program reads its ${name} up to byte ${maxCtxOffset}`);
    }
  };
  switch (kind) {
    case 'pt_regs': return fixed(PT_REGS_SIZE, 'pt_regs');
    case 'bpf_perf_event_data': return fixed(PERF_EVENT_DATA_SIZE, 'bpf_perf_event_data');
    case 'u64_args':
      if (ctxIn.length % 8 !== 0 || ctxIn.length > MAX_BPF_FUNC_ARGS * 8) {
        throw new TestRunInputError(EINVAL, `${type} ctx_in must be up to ${MAX_BPF_FUNC_ARGS} u64 arguments`);
      }
      coversReads('arguments');
      return new RawContext(arena, ctxIn, ctxIn.length, false, `${type} args`);
    case 'tracepoint':
      if (ctxIn.length > PERF_MAX_TRACE_SIZE) throw new TestRunInputError(EINVAL, `tracepoint record above ${PERF_MAX_TRACE_SIZE} bytes`);
      return padded(ctxIn, 0, 'tracepoint record');
    default:
      coversReads('context');
      return new RawContext(arena, ctxIn, ctxIn.length, true, 'syscall ctx');
  }
}

function prepared(arena: Arena, context: ProgramContext, output: PreparedTestRun['output']): PreparedTestRun {
  return {
    ctx: arena.pointer(context.ctxOffset),
    context,
    output,
    release: () => context.release(),
  };
}
