import type { ObjectSpec } from '../elf/object-spec.js';
import { possibleCpus } from '../kernel/cpus.js';
import { KernelError } from '../kernel/errors.js';
import type { KernelMap } from '../kernel/map.js';
import { KernelObject, type KernelObjectMap, type KernelObjectOptions, type KernelObjectProgram } from '../kernel/object/kernel-object.js';
import { lookupAndDelete } from '../kernel/object/map-lookup-and-delete.js';
import { freezeMap } from '../kernel/object/map-freeze.js';
import { kernelTestRun } from '../kernel/object/program-test-run.js';
import { MapError } from '../maps/errors.js';
import { PerfBufferReader } from '../kernel/events/perf-buffer-reader.js';
import { RingBufferReader } from '../kernel/events/ring-buffer-reader.js';
import { attachBySection, type AttachOptions } from '../kernel/attach/attach-by-section.js';
import type { KernelLink } from '../kernel/attach/kernel-link.js';
import type { BackendMap, BackendObject, BackendProgram, PerfConsumer, RingConsumer, TestRunOptions, TestRunResult } from './backend.js';

/** Runs a bpf() map command, turning the kernel's refusal into the MapError both backends throw. */
function mapOp<T>(map: string, operation: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof KernelError) throw new MapError(map, operation, err.errno);
    throw err;
  }
}

class KernelBackendMap implements BackendMap {
  private cachedId = 0;
  readonly nCpus = possibleCpus();

  constructor(private readonly entry: KernelObjectMap) {}

  get spec() { return this.entry.spec; }
  get hasBtf(): boolean { return this.entry.withBtf; }
  get refValue(): number { return this.entry.map.fd; }
  get maxEntries(): number { return this.entry.map.maxEntries; }
  private get map(): KernelMap { return this.entry.map; }

  get id(): number {
    if (this.cachedId === 0) this.cachedId = this.map.info().id;
    return this.cachedId;
  }

  lookup(key: Uint8Array): Uint8Array | undefined {
    return mapOp(this.spec.name, 'lookup', () => this.map.lookup(key));
  }

  update(key: Uint8Array, value: Uint8Array, flags: number): void {
    mapOp(this.spec.name, 'update', () => this.map.update(key, value, flags));
  }

  delete(key: Uint8Array): boolean {
    return mapOp(this.spec.name, 'delete', () => this.map.delete(key));
  }

  nextKey(key: Uint8Array | undefined): Uint8Array | undefined {
    return mapOp(this.spec.name, 'get_next_key', () => this.map.nextKey(key));
  }

  lookupAndDelete(key: Uint8Array): Uint8Array | undefined {
    return mapOp(this.spec.name, 'lookup_and_delete', () => lookupAndDelete(this.map, key));
  }

  freeze(): void {
    mapOp(this.spec.name, 'freeze', () => freezeMap(this.map.fd));
  }

  ringConsumer(): RingConsumer {
    return new RingBufferReader(this.map);
  }

  perfConsumer(pageCount: number): PerfConsumer {
    return new PerfBufferReader(this.map, { pageCount });
  }
}

class KernelBackendProgram implements BackendProgram {
  private cachedId = 0;

  constructor(private readonly entry: KernelObjectProgram) {}

  get spec() { return this.entry.spec; }
  get refValue(): number { return this.entry.program.fd; }

  get id(): number {
    if (this.cachedId === 0) this.cachedId = this.entry.program.info().id;
    return this.cachedId;
  }

  testRun(options: TestRunOptions): TestRunResult {
    return kernelTestRun(this.entry.program, options);
  }

  attachInKernel(options: AttachOptions): KernelLink {
    return attachBySection(this.entry.program, this.entry.spec, options);
  }
}

/** An object loaded into the kernel, behind the interface both backends share. */
export class KernelBackend implements BackendObject {
  readonly backend = 'kernel';
  readonly maps: ReadonlyMap<string, BackendMap>;
  readonly programs: ReadonlyMap<string, BackendProgram>;

  private constructor(readonly object: KernelObject) {
    this.maps = new Map([...object.maps].map(([name, m]) => [name, new KernelBackendMap(m)]));
    this.programs = new Map([...object.programs].map(([name, p]) => [name, new KernelBackendProgram(p)]));
  }

  static load(spec: ObjectSpec, options: KernelObjectOptions): KernelBackend {
    return new KernelBackend(KernelObject.load(spec, options));
  }

  get spec(): ObjectSpec {
    return this.object.spec;
  }

  close(): void {
    this.object.close();
  }
}
