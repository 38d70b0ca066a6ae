// tsbpf: eBPF in TypeScript. The package's public API, layer by layer.

// Every typed error derives from TsbpfError.
export { TsbpfError } from './errors.js';

// Instruction set: opcodes, instructions, encode/decode, validation, the assembler.
export * from './isa/index.js';
// The disassembler (llvm-objdump's syntax).
export { disassemble, disassembleProgram, listObject, listRaw, DisasmInputError, type DisasmOptions } from './isa/disasm/index.js';

// Loader: ELF objects to ObjectSpec (programs, maps, global data, BTF line info, CO-RE records).
export * from './elf/index.js';
// BTF: types, BTF.ext, CO-RE, value codecs, bpftool-style formatting.
export {
  Btf, BtfError, CoreRelocationError, parseBtfExt, loadVmlinuxBtf, VMLINUX_BTF_PATH, decodeBtfValue, encodeBtfValue,
  formatBpftoolValue, formatBpftoolMapEntry, applyCoreRelocations,
  type BtfType, type BtfKind, type BtfValue, type BtfExt, type BtfOptions,
} from './btf/index.js';

// Live objects, the same API on both backends: loadObject(path, { backend: 'vm' | 'kernel' }).
export * from './object/index.js';
// (The kernel layer has raw BPF_PROG_TEST_RUN types of the same names; these are the backend-neutral ones.)
export type { TestRunOptions, TestRunResult, PerfRecord } from './object/index.js';

// The VM backend, its memory and engines.
export { VmObject, VmProgram, VmObjectError, VmProgramRejectedError, DEFAULT_VM_BUDGET, type VmObjectOptions } from './vm/index.js';
export { Arena, ARENA_BASE, MemoryAccessError, ArenaFullError, type Region, type RegionKind } from './memory/index.js';
export { engineFactory, ENGINE_NAMES, EngineUnavailableError, type EngineName, type EngineFactory } from './engine/select.js';
export type { Executable, ProgramImage, EngineOptions, TraceHook } from './engine/executable.js';
export { CODE_BASE, HelperControl, newHelperContext, type HelperContext, type HelperFn, type HelperTable } from './engine/abi.js';
export { createInterpreter, type InterpreterOptions } from './engine/interpreter/index.js';
export { ExecutionError, BudgetExceededError, UnknownHelperError } from './engine/errors.js';
export { UnresolvedReferenceError } from './engine/interpreter/errors.js';
export { JitTrapError, JitUnsupportedError, JitCompileError } from './engine/jit/errors.js';
export { HelperError } from './helpers/errors.js';
export { TestRunInputError } from './progtypes/errors.js';
export { createJit, type JitOptions } from './engine/jit/index.js';

// Maps and helpers of the VM.
export { createMap, mapRegistry, MapError, MapDefinitionError, SUPPORTED_MAP_TYPES, BpfMap, type MapDefinition, type MapTypeName } from './maps/index.js';
export { HELPERS, HELPER_TABLE, helperProto, BPF_FUNC, type HelperProto, type HelperDefinition } from './helpers/index.js';

// The verifier.
export * from './verifier/index.js';

// The Linux kernel backend: bpf() through koffi (maps, programs, test runs, attach, events, pinning, features).
export * from './kernel/index.js';
export {
  KernelObject, ObjectLoadError, ProgramRejectedError, KernelBtf, BtfLoadError, probeBtfFeatures, sanitizeBtf, kernelTestRun,
  type KernelObjectOptions, type BtfFeatures,
} from './kernel/object/index.js';

// User-space hooks: Node.js tracepoints, uprobes, syscall tracepoints, packets, timers, events.
export * from './hooks/index.js';
// Both the kernel and the hooks name an options type so: the kernel's keep the name.
export type { AttachOptions, PerfEventOptions } from './kernel/index.js';
export type { AttachOptions as HookPointOptions, PerfEventOptions as PerfEventHookOptions } from './hooks/index.js';
