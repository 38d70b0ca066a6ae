import type { Executable, ProgramImage } from '../engine/executable.js';
import type { InterpreterOptions } from '../engine/interpreter/options.js';
import type { JitOptions } from '../engine/jit/options.js';
import { mapInliners } from '../engine/jit/inliners/map-inliners.js';
import { engineFactory } from '../engine/select.js';
import { HELPER_TABLE } from '../helpers/table.js';
import { specForLoad } from '../elf/core.js';
import { vmCoreTarget } from './core-target.js';
import type { ObjectSpec } from '../elf/object-spec.js';
import { ArrayOfMapsMap } from '../maps/array-of-maps-map.js';
import type { BpfMap } from '../maps/bpf-map.js';
import { createMap } from '../maps/create-map.js';
import { HashOfMapsMap } from '../maps/hash-of-maps-map.js';
import { ProgArrayMap } from '../maps/prog-array-map.js';
import { mapRegistry, type MapRegistry, type ProgramEntry } from '../maps/registry.js';
import { Arena } from '../memory/arena.js';
import { skbPacket } from '../progtypes/skb-packet.js';
import { narrowCtxStores } from '../progtypes/narrow-ctx-stores.js';
import { alignNarrowCtxLoads } from '../progtypes/narrow-ctx-loads.js';
import { progTypeNameOf } from '../progtypes/prog-types.js';
import { Callbacks } from './callbacks.js';
import { VmObjectError } from './errors.js';
import { mapDefinitionOf } from './map-definition.js';
import { DEFAULT_VM_BUDGET, type VmObjectOptions } from './options.js';
import { relocateForVm } from './relocate.js';
import { verifyProgram } from './verify.js';
import { VmProgram } from './vm-program.js';
import { isFrozenGlobal } from '../elf/data-maps.js';

/**
 * An ObjectSpec instantiated in one arena: every map created from its spec
 * (global data with its initial contents, .rodata read-only to programs and
 * frozen for the host, maps of maps and prog arrays filled from `values`),
 * every map reference resolved into a plain 64-bit immediate, and every
 * program verified (unless told not to) and built by the chosen engine with
 * the helper table, tail calls and callbacks working through it.
 */
export class VmObject {
  readonly arena = new Arena();
  readonly registry: MapRegistry;
  readonly maps = new Map<string, BpfMap>();
  readonly programs = new Map<string, VmProgram>();
  /** Registry entries of the programs (their ids are what prog arrays hold). */
  readonly programEntries = new Map<string, ProgramEntry>();
  private readonly disposers: Array<() => void> = [];
  private closed = false;

  private constructor(readonly spec: ObjectSpec, cpus: number) {
    this.registry = mapRegistry(this.arena);
    this.registry.nCpus = cpus;
  }

  static load(spec: ObjectSpec, options: VmObjectOptions = {}): VmObject {
    const cpus = options.cpus ?? 1;
    if (!Number.isInteger(cpus) || cpus < 1 || cpus > 1024) throw new VmObjectError(`cpus ${cpus}: expected 1 to 1024`);
    const working = specForLoad(spec, options.coreTarget, vmCoreTarget);
    const obj = new VmObject(working, cpus);
    try {
      obj.createMaps();
      obj.loadPrograms(options);
      obj.fillProgArrays();
    } catch (err) {
      obj.close();
      throw err;
    }
    return obj;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const dispose of this.disposers) dispose();
    for (const entry of this.programEntries.values()) this.registry.removeProgram(entry.id);
    for (const map of this.maps.values()) map.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private createMaps(): void {
    const btf = this.spec.btf;
    for (const spec of this.spec.maps) this.maps.set(spec.name, createMap(this.arena, mapDefinitionOf(spec, btf, this.registry.nCpus)));
    for (const spec of this.spec.maps) {
      const map = this.maps.get(spec.name) as BpfMap;
      for (const entry of spec.contents) {
        if (entry.value instanceof Uint8Array) {
          map.update(entry.key, entry.value);
        } else if ('map' in entry.value) {
          const inner = this.maps.get(entry.value.map);
          if (!inner) throw new VmObjectError(`map ${spec.name}: its value names map ${entry.value.map}, which the object does not have`, spec.section);
          if (!(map instanceof ArrayOfMapsMap) && !(map instanceof HashOfMapsMap)) throw new VmObjectError(`map ${spec.name}: a ${spec.type} cannot hold maps`, spec.section);
          map.update(entry.key, u32(inner.id));
        }
      }
      if (isFrozenGlobal(spec.global?.kind)) map.freeze();
    }
  }

  private loadPrograms(options: VmObjectOptions): void {
    // src/helpers' one table; which program types may call which helper is the verifier's business.
    const helpers = HELPER_TABLE;
    const mapsByIndex = this.spec.maps.map((m) => this.maps.get(m.name) as BpfMap);
    const wantVerify = options.verify ?? true;
    // The JIT's fast paths: map lookups in WebAssembly (used for verified programs; the interpreter ignores them).
    const inliners = mapInliners(this.registry);
    for (const spec of this.spec.programs) {
      const accepted = wantVerify ? verifyProgram(spec, this.spec) : null;
      const verified = accepted !== null;
      const relocated = relocateForVm(spec, mapsByIndex);
      // The kernel rewrites accesses to skb fields it keeps in 16 or 8 bits as it loads a program (convert_ctx_access); so does the VM.
      const type = progTypeNameOf(spec.typeId);
      const stored = accepted?.ctxStores && type ? narrowCtxStores(type, relocated, accepted.ctxStores) : relocated;
      const insns = accepted?.ctxLoads && type ? alignNarrowCtxLoads(type, stored, accepted.ctxLoads) : stored;
      // The JIT is the default for verified programs; the interpreter (the reference, with traces) for the others.
      const factory = engineFactory(options.engine ?? (verified ? 'jit' : 'interp'));
      const engineOptions: InterpreterOptions & JitOptions = {
        arena: this.arena,
        helpers,
        checked: !verified,
        ...(verified ? {} : { budget: options.budget ?? DEFAULT_VM_BUDGET }),
        skbPacket,
        inliners,
        ...(accepted !== null ? { verifiedStackDepth: Math.max(0, ...accepted.stats.stackDepth) } : {}),
      };
      // Every executable built (the program's and its callbacks') is disposed with the object.
      const build = (image: ProgramImage): Executable => {
        const exe = factory(image, engineOptions);
        const disposable = exe as Executable & { dispose?: () => void };
        if (disposable.dispose) this.disposers.push(() => disposable.dispose?.());
        return exe;
      };
      const callbacks = new Callbacks(insns, spec.name, build, new Set(spec.functions.map((f) => f.insn)));
      const program = new VmProgram(spec, this.arena, build({ insns, name: spec.name }), callbacks, verified, accepted?.stats.maxCtxOffset, accepted?.stats.ctxReads);
      this.programs.set(spec.name, program);
      this.programEntries.set(spec.name, this.registry.addProgram(program, spec.name, program.typeName));
    }
  }

  private fillProgArrays(): void {
    for (const spec of this.spec.maps) {
      const map = this.maps.get(spec.name) as BpfMap;
      for (const entry of spec.contents) {
        if (entry.value instanceof Uint8Array || !('program' in entry.value)) continue;
        const target = this.programEntries.get(entry.value.program);
        if (!target) throw new VmObjectError(`map ${spec.name}: its value names program ${entry.value.program}, which the object does not have`, spec.section);
        if (!(map instanceof ProgArrayMap)) throw new VmObjectError(`map ${spec.name}: a ${spec.type} cannot hold programs`, spec.section);
        map.setProgram(new DataView(entry.key.buffer, entry.key.byteOffset, 4).getUint32(0, true), target);
      }
    }
  }
}

const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);
