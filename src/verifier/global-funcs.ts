// Global (non-static) functions: the kernel verifies each one once, on its
// own, for any arguments its BTF prototype allows, and at a call only checks
// the arguments against that prototype (btf_prepare_func_args,
// btf_check_subprog_call). A function is global when its BTF_KIND_FUNC has
// BTF_FUNC_GLOBAL linkage.
import type { Btf } from '../btf/btf.js';
import { BTF_FUNC_GLOBAL } from '../btf/kinds.js';
import type { BtfType } from '../btf/types.js';
import type { FunctionInfo } from '../elf/object-spec.js';

/** How the verifier sees one argument of a global function. */
export type GlobalArg =
  | { readonly kind: 'scalar' }
  | { readonly kind: 'ctx' }
  /** A pointer to `size` bytes, NULL allowed unless tagged `arg:nonnull`. */
  | { readonly kind: 'mem'; readonly size: number; readonly nullable: boolean };

export interface GlobalFunc {
  readonly name: string;
  /** First instruction. */
  readonly start: number;
  readonly args: readonly GlobalArg[];
  /** Why the prototype is refused (the kernel's btf_prepare_func_args message), if it is. */
  readonly error?: string;
}

const MAX_BPF_FUNC_REG_ARGS = 5;
const EINVAL = 22;

/** The kernel's btf_type_str: the kind's name in capitals (void is UNKN). */
const kindStr = (t: BtfType): string => (t.kind === 'void' ? 'UNKN' : t.kind.toUpperCase());

/** The context struct each program type's global functions may take (btf_is_prog_ctx_type). */
const CTX_STRUCT: Readonly<Record<string, string>> = {
  socket_filter: '__sk_buff', sched_cls: '__sk_buff', sched_act: '__sk_buff', cgroup_skb: '__sk_buff',
  lwt_in: '__sk_buff', lwt_out: '__sk_buff', lwt_xmit: '__sk_buff', lwt_seg6local: '__sk_buff', sk_skb: '__sk_buff',
  xdp: 'xdp_md', kprobe: 'pt_regs', perf_event: 'bpf_perf_event_data',
  raw_tracepoint: 'bpf_raw_tracepoint_args', raw_tracepoint_writable: 'bpf_raw_tracepoint_args',
};

/** The `arg:…` decl tags on argument `index` of function `funcId`. */
function argTags(btf: Btf, funcId: number, index: number): Set<string> {
  const tags = new Set<string>();
  for (let id = 1; id < btf.typeCount; id++) {
    const t = btf.type(id);
    if (t.kind === 'decl_tag' && t.type === funcId && t.componentIdx === index && t.name.startsWith('arg:')) tags.add(t.name.slice(4));
  }
  return tags;
}

/** True for a pointer to the program type's context struct (or kprobe's bpf_user_pt_regs_t). */
function isCtxPointer(btf: Btf, ptr: BtfType, progType: string): boolean {
  if (ptr.kind !== 'ptr') return false;
  const ctx = CTX_STRUCT[progType];
  if (!ctx) return false;
  const named = btf.skipQualifiers(ptr.type);
  if (progType === 'kprobe' && named.kind === 'typedef' && named.name === 'bpf_user_pt_regs_t') return true;
  const t = btf.resolve(ptr.type);
  return t.kind === 'struct' && t.name === ctx;
}

/** One function's prototype as the verifier uses it, or the refusal of it. */
function prepareArgs(btf: Btf, funcId: number, progType: string): { args: GlobalArg[]; error?: string } {
  const fn = btf.type(funcId);
  if (fn.kind !== 'func') return { args: [], error: `BTF of func doesn't point to KIND_FUNC` };
  const name = fn.name;
  const proto = btf.type(fn.type);
  if (proto.kind !== 'func_proto') return { args: [], error: `Invalid type of function ${name}()` };
  if (proto.params.length > MAX_BPF_FUNC_REG_ARGS) {
    return { args: [], error: `Global function ${name}() with ${proto.params.length} > ${MAX_BPF_FUNC_REG_ARGS} args. Buggy compiler.` };
  }
  const ret = btf.resolve(proto.returnType);
  if (ret.kind !== 'int' && ret.kind !== 'enum' && ret.kind !== 'enum64') {
    return { args: [], error: `Global function ${name}() doesn't return scalar. Only those are supported.` };
  }
  const args: GlobalArg[] = [];
  for (const [i, param] of proto.params.entries()) {
    const tags = argTags(btf, funcId, i);
    const t = btf.resolve(param.type);
    if (t.kind === 'ptr') {
      if (tags.has('ctx') || isCtxPointer(btf, t, progType)) {
        if ([...tags].some((tag) => tag !== 'ctx')) return { args, error: `arg#${i} has invalid combination of tags` };
        args.push({ kind: 'ctx' });
        continue;
      }
      const pointee = btf.resolve(t.type);
      const size = btf.sizeOrUnsized(pointee.id);
      if (size < 0) {
        return { args, error: `arg#${i} reference type('${kindStr(pointee)} ${pointee.name}') size cannot be determined: -${EINVAL}` };
      }
      args.push({ kind: 'mem', size, nullable: !tags.has('nonnull') });
      continue;
    }
    if (tags.size > 0) return { args, error: `arg#${i} has pointer tag, but is not a pointer type` };
    if (t.kind === 'int' || t.kind === 'enum' || t.kind === 'enum64') {
      args.push({ kind: 'scalar' });
      continue;
    }
    return { args, error: `Arg#${i} type ${kindStr(t)} in ${name}() is not supported yet.` };
  }
  return { args };
}

/** The global functions among a program's functions (the entry, at 0, is never one). */
export function globalFuncsOf(functions: readonly FunctionInfo[], btf: Btf | null, progType: string): GlobalFunc[] {
  if (!btf) return [];
  const out: GlobalFunc[] = [];
  for (const f of functions) {
    if (f.insn === 0 || f.btfId === 0) continue;
    const fn = btf.type(f.btfId);
    if (fn.kind !== 'func' || fn.linkage !== BTF_FUNC_GLOBAL) continue;
    out.push({ name: fn.name, start: f.insn, ...prepareArgs(btf, f.btfId, progType) });
  }
  return out;
}
