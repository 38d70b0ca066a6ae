import type { ObjectSpec } from '../elf/object-spec.js';
import type { BpfMap } from '../maps/bpf-map.js';
import { QueueStackBase } from '../maps/queue-stack-base.js';
import { MapError } from '../maps/errors.js';
import { EINVAL } from '../maps/errno.js';
import type { VmObjectOptions } from '../vm/options.js';
import { VmObject } from '../vm/vm-object.js';
import type { VmProgram } from '../vm/vm-program.js';
import type { MapSpec } from '../elf/object-spec.js';
import type { ProgramEntry } from '../maps/registry.js';
import { RingBufMap } from '../maps/ringbuf-map.js';
import { VmRingConsumer } from '../vm/ring-consumer.js';
import { VmPerfConsumer } from '../vm/perf-consumer.js';
import { PerfEventArrayMap } from '../maps/perf-event-array-map.js';
import type { BackendMap, BackendObject, BackendProgram, PerfConsumer, RingConsumer, TestRunOptions, TestRunResult } from './backend.js';
import { mapTakesBtf } from './map-btf.js';

class VmBackendMap implements BackendMap {
  constructor(readonly spec: MapSpec, private readonly map: BpfMap, private readonly btf: boolean) {}

  get id(): number { return this.map.id; }
  get nCpus(): number { return this.map.nCpus; }
  get hasBtf(): boolean { return this.btf; }
  get refValue(): number { return this.map.id; }
  get maxEntries(): number { return this.map.maxEntries; }
  get vmMap(): BpfMap { return this.map; }

  lookup(key: Uint8Array): Uint8Array | undefined { return this.map.lookup(key); }
  update(key: Uint8Array, value: Uint8Array, flags: number): void { this.map.update(key, value, flags); }
  delete(key: Uint8Array): boolean { return this.map.delete(key); }
  nextKey(key: Uint8Array | undefined): Uint8Array | undefined { return this.map.nextKey(key); }

  lookupAndDelete(key: Uint8Array): Uint8Array | undefined {
    if (this.map instanceof QueueStackBase && key.length === 0) return this.map.pop();
    const value = this.map.lookup(key);
    if (value === undefined) return undefined;
    if (!this.map.delete(key)) throw new MapError(this.spec.name, 'lookup_and_delete', EINVAL);
    return value;
  }

  freeze(): void { this.map.freeze(); }

  ringConsumer(): RingConsumer {
    if (!(this.map instanceof RingBufMap)) throw new MapError(this.spec.name, 'ring buffer', EINVAL, `${this.map.type} is not a ring buffer`);
    return new VmRingConsumer(this.map);
  }

  perfConsumer(pageCount: number): PerfConsumer {
    if (!(this.map instanceof PerfEventArrayMap)) throw new MapError(this.spec.name, 'perf buffer', EINVAL, `${this.map.type} is not a perf_event_array`);
    return new VmPerfConsumer(this.map, pageCount);
  }
}

class VmBackendProgram implements BackendProgram {
  constructor(private readonly program: VmProgram, private readonly entry: ProgramEntry) {}

  get spec() { return this.program.spec; }
  get id(): number { return this.entry.id; }
  get refValue(): number { return this.entry.id; }
  get vmProgram(): VmProgram { return this.program; }

  testRun(options: TestRunOptions): TestRunResult {
    const r = this.program.testRun(options);
    return { retval: r.retval, durationNs: r.durationNs, dataOut: r.dataOut, ...(r.ctxOut !== undefined ? { ctxOut: r.ctxOut } : {}) };
  }
}

/** An object instantiated in tsbpf's VM, behind the interface both backends share. */
export class VmBackend implements BackendObject {
  readonly backend = 'vm';
  readonly maps: ReadonlyMap<string, BackendMap>;
  readonly programs: ReadonlyMap<string, BackendProgram>;

  private constructor(readonly object: VmObject) {
    const btf = object.spec.btf !== null;
    this.maps = new Map(object.spec.maps.map((spec) => [spec.name, new VmBackendMap(spec, object.maps.get(spec.name) as BpfMap, btf && mapTakesBtf(spec))]));
    this.programs = new Map([...object.programs].map(([name, p]) => [name, new VmBackendProgram(p, object.programEntries.get(name) as ProgramEntry)]));
  }

  static load(spec: ObjectSpec, options: VmObjectOptions): VmBackend {
    return new VmBackend(VmObject.load(spec, options));
  }

  get spec(): ObjectSpec {
    return this.object.spec;
  }

  close(): void {
    this.object.close();
  }
}
