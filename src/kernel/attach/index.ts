// Attaching kernel programs to their hooks: bpf links where the kernel has them.
export * from './errors.js';
export { KernelLink, linkInfoByFd, type LinkParts } from './kernel-link.js';
export { BpfLinkType, type BpfLinkTypeName, type KernelLinkInfo } from './link-types.js';
export type { AttachableProgram } from './program-ref.js';
export { attachTracepoint, type TracepointOptions } from './tracepoint.js';
export { tracefsRoot, tracepointId } from './tracefs.js';
export { attachRawTracepoint } from './raw-tracepoint.js';
export { attachKprobe, type KprobeOptions } from './kprobe.js';
export { attachUprobe, type UprobeOptions } from './uprobe.js';
export { parseUprobeTarget, resolveBinaryPath, symbolFileOffset, type UprobeTarget } from './elf-symbol-offset.js';
export { readProbePmu, type ProbePmu } from './probe-pmu.js';
export { attachPerfEvent, type PerfEventOptions } from './perf-event.js';
export { attachXdp, type XdpOptions } from './xdp.js';
export { attachTc, type TcOptions } from './tc.js';
export { attachSocketFilter } from './socket-filter.js';
export { attachCgroup, cgroup2Root } from './cgroup.js';
export { interfaceIndex, type NetworkInterface } from './interfaces.js';
export { attachBySection, type AttachOptions, type SectionAttachSpec } from './attach-by-section.js';
