import { helperAllowed } from '../progtypes/allowed-helpers.js';
import { BPF_PROG_TYPE, type ProgTypeName, isProgTypeName, progTypeNameOf } from '../progtypes/prog-types.js';
import { cgroupSkbCtxAccess, lwtCtxAccess, skFilterCtxAccess, tcCtxAccess } from './ctx/skb-access.js';
import { kprobeCtxAccess, perfEventCtxAccess, rawTpCtxAccess, tracepointCtxAccess } from './ctx/tracing-access.js';
import { xdpCtxAccess } from './ctx/xdp-access.js';
import { RegType } from './reg-type.js';

/**
 * What the verifier needs to know about a program type (the kernel's
 * bpf_verifier_ops and the switch statements keyed on prog_type): which
 * context accesses are valid and what they load, which helpers exist for it,
 * the range its return value must be in, and its packet access rights.
 */
export interface ProgTypeRules {
  readonly name: ProgTypeName;
  readonly type: number;
  /**
   * is_valid_access: the register type a load of `size` bytes at ctx+off
   * gives (SCALAR_VALUE, PTR_TO_PACKET, ...), or null when the access is
   * refused. Writes return SCALAR_VALUE when allowed.
   */
  ctxAccess(off: number, size: number, write: boolean, isLdsx: boolean): number | null;
  /** get_func_proto: the helper exists for this type. */
  helperAllowed(id: number): boolean;
  /** Inclusive range R0 must be in at exit, or undefined for any value. */
  readonly retRange?: readonly [number, number];
  /** BPF_LD_ABS / BPF_LD_IND allowed (may_access_skb). */
  readonly mayAccessSkb: boolean;
  /** may_access_direct_pkt_data. */
  readonly directPacketRead: boolean;
  readonly directPacketWrite: boolean;
}

type CtxAccessFn = ProgTypeRules['ctxAccess'];

interface Shape {
  ctx: CtxAccessFn;
  retRange?: readonly [number, number];
  skb?: boolean;
  pkt?: 'read' | 'readwrite';
}

const SHAPES: Partial<Record<ProgTypeName, Shape>> = {
  socket_filter: { ctx: skFilterCtxAccess, skb: true },
  sched_cls: { ctx: tcCtxAccess, skb: true, pkt: 'readwrite' },
  sched_act: { ctx: tcCtxAccess, skb: true, pkt: 'readwrite' },
  cgroup_skb: { ctx: cgroupSkbCtxAccess, retRange: [0, 1], pkt: 'read' },
  xdp: { ctx: xdpCtxAccess, pkt: 'readwrite' },
  lwt_in: { ctx: lwtCtxAccess, pkt: 'read' },
  lwt_out: { ctx: lwtCtxAccess, pkt: 'read' },
  lwt_xmit: { ctx: lwtCtxAccess, pkt: 'readwrite' },
  kprobe: { ctx: kprobeCtxAccess },
  tracepoint: { ctx: tracepointCtxAccess },
  raw_tracepoint: { ctx: rawTpCtxAccess },
  raw_tracepoint_writable: { ctx: rawTpCtxAccess },
  perf_event: { ctx: perfEventCtxAccess },
  syscall: { ctx: syscallCtxAccess },
};

/** syscall_prog_is_valid_access: any aligned access below 64 KiB (the loader checks the size at run time). */
function syscallCtxAccess(off: number, size: number): number | null {
  if (off < 0 || off >= 0xffff) return null;
  if (off % size !== 0) return null;
  return RegType.SCALAR_VALUE;
}

/**
 * Rules for a program whose context is a plain block of `size` bytes that
 * it may read and write at aligned offsets (the conformance suite's calling
 * convention, and user-space hooks that pass a buffer), otherwise like `base`.
 */
export function memoryContextRules(size: number, base: ProgTypeRules = progTypeRules('syscall')!): ProgTypeRules {
  return {
    ...base,
    ctxAccess: (off, accessSize) => (off >= 0 && off + accessSize <= size && off % accessSize === 0 ? RegType.SCALAR_VALUE : null),
  };
}

/**
 * The rules for a program loaded with an expected attach type: a cgroup_skb
 * program for egress may also return 2 and 3 (drop or pass with congestion
 * notification), as check_return_code allows.
 */
export function rulesForAttachType(rules: ProgTypeRules, attachType: string | null | undefined): ProgTypeRules {
  if (rules.name === 'cgroup_skb' && attachType === 'BPF_CGROUP_INET_EGRESS') return { ...rules, retRange: [0, 3] };
  return rules;
}

/** Program types the verifier has rules for. */
export const VERIFIABLE_PROG_TYPES = Object.keys(SHAPES) as ProgTypeName[];

/** The rules of each program type, made once (they never change). */
const RULES = new Map<ProgTypeName, ProgTypeRules>();

/** The rules of a program type by its kernel name (`xdp`, `socket_filter`) or number. */
export function progTypeRules(type: ProgTypeName | string | number): ProgTypeRules | undefined {
  const name = typeof type === 'number' ? progTypeNameOf(type) : isProgTypeName(type) ? type : undefined;
  if (!name) return undefined;
  let rules = RULES.get(name);
  if (!rules) {
    rules = makeRules(name);
    if (!rules) return undefined;
    RULES.set(name, rules);
  }
  return rules;
}

function makeRules(name: ProgTypeName): ProgTypeRules | undefined {
  const shape = SHAPES[name];
  if (!shape) return undefined;
  return Object.freeze({
    name,
    type: BPF_PROG_TYPE[name],
    ctxAccess: shape.ctx,
    helperAllowed: (id: number) => helperAllowed(name, id),
    retRange: shape.retRange,
    mayAccessSkb: shape.skb ?? false,
    directPacketRead: shape.pkt !== undefined,
    directPacketWrite: shape.pkt === 'readwrite',
  });
}
