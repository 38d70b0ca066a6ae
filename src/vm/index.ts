// The VM backend: an ObjectSpec instantiated in one arena, run by the interpreter or the JIT.
export { VmObject } from './vm-object.js';
export { VmProgram, type VmTestRunOptions, type VmTestRunResult } from './vm-program.js';
export { DEFAULT_VM_BUDGET, type VmObjectOptions } from './options.js';
export { VmObjectError, VmProgramRejectedError } from './errors.js';
export type { VmRunContext } from './run-context.js';
export { VmRingConsumer } from './ring-consumer.js';
export { VmPerfConsumer, type VmPerfRecord } from './perf-consumer.js';
export { vmCoreTarget } from './core-target.js';
