// Objects (ObjectSpec) instantiated in the kernel: BTF, maps, programs, test runs.
export { KernelObject, type KernelObjectOptions, type KernelObjectMap, type KernelObjectProgram } from './kernel-object.js';
export { ObjectLoadError, ProgramRejectedError } from './errors.js';
export { KernelBtf, BtfLoadError } from './btf-load.js';
export { probeBtfFeatures, ALL_BTF_FEATURES, type BtfFeatures } from './btf-features.js';
export { sanitizeBtf } from './btf-sanitize.js';
export { freezeMap } from './map-freeze.js';
export { kernelTestRun, type ProgramTestRunOptions, type ProgramTestRunResult } from './program-test-run.js';
export { onCpu } from './cpu-affinity.js';
export { failingInsn } from './load-program.js';
export { lookupAndDelete } from './map-lookup-and-delete.js';
