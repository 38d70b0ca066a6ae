// The Linux kernel as a backend and as the reference: bpf() through koffi.
export * from './errors.js';
export { errnoName } from './errno.js';
export * from './uapi.js';
export { KernelMap, type MapCreateOptions } from './map.js';
export { KernelProgram } from './program.js';
export type { ProgLoadOptions, BtfExtRecords } from './prog-load.js';
export type { TestRunOptions, TestRunResult } from './test-run.js';
export type { KernelProgramInfo, KernelMapInfo } from './obj-info.js';
export { kernelAvailable, type KernelAvailability } from './probe.js';
export { possibleCpus } from './cpus.js';
export {
  runInKernel, KernelRunInputError, MAX_KERNEL_RUN_MEM, WRAPPER_LENGTH,
  type KernelRunResult, type KernelRunOptions,
} from './run-in-kernel.js';
// Attach, events, pinning and feature probes (issue 7).
export * from './attach/index.js';
export * from './events/index.js';
export * from './features/index.js';
export {
  BPFFS_ROOT, TSBPF_PIN_ROOT, PinError, PinExistsError, PinMismatchError, pinFd, openPinned, openPinnedOfKind, unpin,
  ensurePinDirectory, bpfObjectKind, type BpfObjectKind,
} from './pin.js';
export { openPinnedMap, openPinnedProgram, createOrReusePinnedMap, pinnedMapMismatches, type PinnedMapPolicy } from './pin-by-name.js';
export type { BatchEntry, LookupBatchOptions } from './map-batch.js';
