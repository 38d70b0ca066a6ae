// The public object API: an ObjectSpec live on a backend (VM or kernel), one API for both.
export { loadObject, LoadObjectOptionError, type LoadObjectOptions } from './load-object.js';
export { BpfObject, UnknownNameError } from './bpf-object.js';
export { ObjectMap, type RawMap } from './object-map.js';
export { ObjectProgram } from './object-program.js';
export { MapValueError, type MapValue } from './map-value.js';
export { GlobalVariableError, type GlobalsView } from './globals.js';
export { bpftoolMapDump } from './bpftool-dump.js';
export type { BackendName, PerfConsumer, PerfRecord, RingConsumer, TestRunOptions, TestRunResult } from './backend.js';
