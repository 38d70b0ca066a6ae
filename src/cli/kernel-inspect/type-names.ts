import { BpfMapType, BpfProgType, enumName } from '../../kernel/uapi.js';

/** bpftool's name for a program type: `BPF_PROG_TYPE_SCHED_CLS` -> `sched_cls`. */
export const progTypeName = (type: number): string => enumName(BpfProgType, type).replace(/^BPF_PROG_TYPE_/, '').toLowerCase();

/** bpftool's name for a map type: `BPF_MAP_TYPE_PERCPU_HASH` -> `percpu_hash`. */
export const mapTypeName = (type: number): string => enumName(BpfMapType, type).replace(/^BPF_MAP_TYPE_/, '').toLowerCase();

/** `node(1234) node(1240)`. */
export const pidsText = (owners: readonly { pid: number; comm: string }[]): string => owners.map((o) => `${o.comm}(${o.pid})`).join(' ');
