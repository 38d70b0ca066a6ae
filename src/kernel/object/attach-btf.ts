import type { Btf } from '../../btf/btf.js';
import type { ProgramSpec } from '../../elf/object-spec.js';
import { BpfProgType } from '../uapi.js';
import { ObjectLoadError } from './errors.js';

/**
 * attach_btf_id for the program types that name a kernel function or
 * tracepoint by BTF id at load time (fentry/fexit/fmod_ret, tp_btf, iter,
 * lsm), looked up in the kernel's BTF as libbpf does; 0 for the others.
 */
export function attachBtfId(program: ProgramSpec, vmlinux: () => Btf): number {
  const tracing = program.typeId === BpfProgType.BPF_PROG_TYPE_TRACING;
  const lsm = program.typeId === BpfProgType.BPF_PROG_TYPE_LSM;
  if (!tracing && !lsm) return 0;
  const target = program.attachTo;
  let candidates: Array<{ name: string; kind: 'func' | 'typedef' }>;
  if (lsm) candidates = [{ name: `bpf_lsm_${target}`, kind: 'func' }];
  else if (program.attachType === 'BPF_TRACE_RAW_TP') candidates = [{ name: `btf_trace_${target}`, kind: 'typedef' }];
  else if (program.attachType === 'BPF_TRACE_ITER') candidates = [{ name: `bpf_iter_${target}`, kind: 'func' }];
  else candidates = [{ name: target, kind: 'func' }];
  const btf = vmlinux();
  for (const c of candidates) {
    const t = btf.find(c.name, c.kind);
    if (t !== undefined) return t.id;
  }
  throw new ObjectLoadError(`program ${program.name}: the kernel's BTF has no ${candidates.map((c) => `${c.kind} ${c.name}`).join(' or ')} to attach to`, program.section);
}
