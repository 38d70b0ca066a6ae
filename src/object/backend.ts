import type { MapSpec, ObjectSpec, ProgramSpec } from '../elf/object-spec.js';
import type { BpfMap } from '../maps/bpf-map.js';
import type { VmProgram } from '../vm/vm-program.js';
import type { AttachOptions as KernelAttachOptions } from '../kernel/attach/attach-by-section.js';
import type { KernelLink } from '../kernel/attach/kernel-link.js';

/** Where an object lives: tsbpf's VM, or the Linux kernel through bpf(). */
export type BackendName = 'vm' | 'kernel';

/** One test run, the same on both backends (BPF_PROG_TEST_RUN's inputs). */
export interface TestRunOptions {
  /** The packet, for program types that take one (xdp, socket_filter, sched_cls, ...). */
  readonly dataIn?: Uint8Array;
  /** The context: struct xdp_md, struct __sk_buff, raw tracepoint arguments, a syscall program's memory. */
  readonly ctxIn?: Uint8Array;
  /** Runs in a row on the same input; durationNs is their average. Default 1. */
  readonly repeat?: number;
  /**
   * CPU the run is on (which per-CPU map values it touches, what
   * bpf_get_smp_processor_id returns). Default: CPU 0 in the VM; in the
   * kernel, whichever CPU the calling thread runs on.
   */
  readonly cpu?: number;
  /** Room for data out; default data in's length plus 512. */
  readonly dataOutSize?: number;
}

export interface TestRunResult {
  /** The return value: the low 32 bits of r0, unsigned, as BPF_PROG_TEST_RUN reports it. */
  readonly retval: number;
  /** Average nanoseconds per run (the kernel's measure, or the VM's wall clock). */
  readonly durationNs: number;
  /** The packet after the run (empty for program types without one). */
  readonly dataOut: Uint8Array;
  /** The context after the run, when ctxIn was given. */
  readonly ctxOut?: Uint8Array;
}

/** A consumer of a ring buffer map: records in commit order, as copies. */
export interface RingConsumer extends AsyncIterable<Uint8Array> {
  /** The committed records available now (at most `limit`). */
  drain(limit?: number): Uint8Array[];
  /** The next record, waiting until one is submitted; undefined once closed. */
  read(): Promise<Uint8Array | undefined>;
  close(): void;
  readonly closed: boolean;
}

/** One record of a perf buffer: a sample a program output on a CPU, or how many were lost there. */
export type PerfRecord =
  | { readonly type: 'sample'; readonly cpu: number; readonly data: Uint8Array }
  | { readonly type: 'lost'; readonly cpu: number; readonly lost: number };

/** A consumer of a perf_event_array map: one ring per CPU. */
export interface PerfConsumer extends AsyncIterable<PerfRecord> {
  /** The records available now, CPU by CPU. */
  drain(): PerfRecord[];
  read(): Promise<PerfRecord | undefined>;
  close(): void;
  readonly closed: boolean;
}

/** A live map as a backend holds it, at the byte level of the bpf() syscall. */
export interface BackendMap {
  readonly spec: MapSpec;
  /** The map's id (kernel map id, or the VM registry's). */
  readonly id: number;
  /** Values per key of per-CPU maps (possible CPUs). */
  readonly nCpus: number;
  /** max_entries as created (libbpf's adjustments applied). */
  readonly maxEntries: number;
  /** Whether the map carries BTF key/value types (bpftool prints `formatted` then). */
  readonly hasBtf: boolean;
  /** The u32 a map of maps takes through bpf() to hold this map: its fd (kernel) or id (VM). */
  readonly refValue: number;
  /** BPF_MAP_LOOKUP_ELEM (per-CPU maps: the syscall layout, each CPU's value 8-byte aligned). */
  lookup(key: Uint8Array): Uint8Array | undefined;
  update(key: Uint8Array, value: Uint8Array, flags: number): void;
  delete(key: Uint8Array): boolean;
  nextKey(key: Uint8Array | undefined): Uint8Array | undefined;
  /** BPF_MAP_LOOKUP_AND_DELETE_ELEM (an empty key pops a queue or a stack). */
  lookupAndDelete(key: Uint8Array): Uint8Array | undefined;
  /** BPF_MAP_FREEZE. */
  freeze(): void;
  /** A consumer of a BPF_MAP_TYPE_RINGBUF map. */
  ringConsumer(): RingConsumer;
  /** The VM's map itself (VM backend only), for tsbpf's user-space hooks. */
  readonly vmMap?: BpfMap;
  /** A consumer of a BPF_MAP_TYPE_PERF_EVENT_ARRAY map, `pageCount` data pages per CPU. */
  perfConsumer(pageCount: number): PerfConsumer;
}

/** A loaded program as a backend holds it. */
export interface BackendProgram {
  readonly spec: ProgramSpec;
  /** Kernel program id, or the VM registry's (what prog arrays hold). */
  readonly id: number;
  /** The u32 a prog array takes through bpf() to hold this program: its fd (kernel) or id (VM). */
  readonly refValue: number;
  testRun(options: TestRunOptions): TestRunResult;
  /** The VM's program itself (VM backend only), for tsbpf's user-space hooks. */
  readonly vmProgram?: VmProgram;
  /** Kernel backend: attaches the program where its section says (src/kernel/attach). */
  attachInKernel?(options: KernelAttachOptions): KernelLink;
}

/** An ObjectSpec instantiated on a backend. */
export interface BackendObject {
  readonly backend: BackendName;
  /** The spec as instantiated (CO-RE relocations applied). */
  readonly spec: ObjectSpec;
  readonly maps: ReadonlyMap<string, BackendMap>;
  readonly programs: ReadonlyMap<string, BackendProgram>;
  close(): void;
}
