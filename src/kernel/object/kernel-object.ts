import type { Btf } from '../../btf/btf.js';
import { loadVmlinuxBtf } from '../../btf/vmlinux.js';
import { specForLoad } from '../../elf/core.js';
import { kernelFuncInfo, kernelLineInfo } from '../../elf/kernel-records.js';
import type { MapSpec, ObjectSpec, ProgramSpec } from '../../elf/object-spec.js';
import { KernelError } from '../errors.js';
import { BPFFS_ROOT } from '../pin.js';
import type { KernelMap } from '../map.js';
import type { KernelProgram } from '../program.js';
import { attachBtfId } from './attach-btf.js';
import { probeBtfFeatures } from './btf-features.js';
import { KernelBtf } from './btf-load.js';
import { sanitizeBtf } from './btf-sanitize.js';
import { closedNormally, closeOnExit } from './exit-cleanup.js';
import { ObjectLoadError } from './errors.js';
import { loadProgramSpec } from './load-program.js';
import { freezeMap } from './map-freeze.js';
import { isFrozenGlobal } from '../../elf/data-maps.js';
import { createMapFromSpec } from './map-from-spec.js';
import { relocateWithFds } from './relocate-fds.js';

export interface KernelObjectOptions {
  /** Verifier log level for every program (0: a log only when one is refused). */
  readonly logLevel?: number;
  /**
   * BTF to apply CO-RE relocations against: default the running kernel's
   * (/sys/kernel/btf/vmlinux), null to leave them as they are (the spec's
   * relocations must then already be applied).
   */
  readonly coreTarget?: Btf | null;
  /** Where maps pinned by name (LIBBPF_PIN_BY_NAME) live; default /sys/fs/bpf, as libbpf's. */
  readonly pinRoot?: string;
}

/** A map of the object as the kernel holds it. */
export interface KernelObjectMap {
  readonly spec: MapSpec;
  readonly map: KernelMap;
  /** Whether the kernel map carries the object's BTF key/value types (bpftool then formats it). */
  readonly withBtf: boolean;
  /** A map pinned by name that already existed: reused as it is (not filled, not frozen). */
  readonly reused: boolean;
}

/** A program of the object loaded into the kernel. */
export interface KernelObjectProgram {
  readonly spec: ProgramSpec;
  readonly program: KernelProgram;
}

/**
 * An ObjectSpec instantiated in the kernel, as libbpf's bpf_object__load:
 * the object's BTF loaded (sanitised for the kinds this kernel lacks), maps
 * created (inner templates, BTF types, initial contents; .rodata frozen),
 * programs relocated against the maps' fds and loaded with their func and
 * line info and CO-RE relocations applied, and prog arrays and maps of maps
 * filled from their `values`. close() releases every fd; so does process exit.
 */
export class KernelObject {
  readonly btf: KernelBtf | null;
  readonly maps = new Map<string, KernelObjectMap>();
  readonly programs = new Map<string, KernelObjectProgram>();
  private closed = false;

  private constructor(readonly spec: ObjectSpec, btf: KernelBtf | null) {
    this.btf = btf;
    closeOnExit(this);
  }

  static load(spec: ObjectSpec, options: KernelObjectOptions = {}): KernelObject {
    const working = specForLoad(spec, options.coreTarget, () => loadVmlinuxBtf());
    const btf = loadObjectBtf(spec);
    const obj = new KernelObject(working, btf);
    try {
      obj.createMaps(options.pinRoot ?? BPFFS_ROOT);
      obj.loadPrograms(options.logLevel ?? 0);
      obj.fillProgArrays();
    } catch (err) {
      obj.close();
      throw err;
    }
    return obj;
  }

  /** Releases every map, program and the BTF. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.programs.values()) p.program.close();
    for (const m of this.maps.values()) m.map.close();
    this.btf?.close();
    closedNormally(this);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private createMaps(pinRoot: string): void {
    const context = { btfFd: this.btf?.fd ?? null, pinRoot };
    for (const spec of this.spec.maps) {
      const created = createMapFromSpec(spec, context);
      this.maps.set(spec.name, { spec, ...created });
    }
    for (const spec of this.spec.maps) {
      const { map, reused } = this.maps.get(spec.name) as KernelObjectMap;
      if (reused) continue;
      for (const entry of spec.contents) {
        if (entry.value instanceof Uint8Array) {
          map.update(entry.key, entry.value);
        } else if ('map' in entry.value) {
          const inner = this.maps.get(entry.value.map);
          if (!inner) throw new ObjectLoadError(`map ${spec.name}: its value names map ${entry.value.map}, which the object does not have`, spec.section);
          map.update(entry.key, u32(inner.map.fd));
        }
      }
      if (isFrozenGlobal(spec.global?.kind)) freezeMap(map.fd);
    }
  }

  private loadPrograms(logLevel: number): void {
    const fds = this.spec.maps.map((m) => (this.maps.get(m.name) as KernelObjectMap).map.fd);
    let vmlinux: Btf | undefined;
    for (const spec of this.spec.programs) {
      const insns = relocateWithFds(spec, fds);
      const funcInfo = this.btf !== null ? kernelFuncInfo(spec) : null;
      const lineInfo = funcInfo !== null ? kernelLineInfo(spec) : null;
      const program = loadProgramSpec(spec, insns, {
        btfFd: this.btf?.fd ?? null,
        ...(funcInfo !== null ? { funcInfo } : {}),
        ...(lineInfo !== null ? { lineInfo } : {}),
        attachBtfId: attachBtfId(spec, () => (vmlinux ??= loadVmlinuxBtf())),
        logLevel,
      });
      this.programs.set(spec.name, { spec, program });
    }
  }

  private fillProgArrays(): void {
    for (const spec of this.spec.maps) {
      const { map, reused } = this.maps.get(spec.name) as KernelObjectMap;
      if (reused) continue;
      for (const entry of spec.contents) {
        if (entry.value instanceof Uint8Array || !('program' in entry.value)) continue;
        const target = this.programs.get(entry.value.program);
        if (!target) throw new ObjectLoadError(`map ${spec.name}: its value names program ${entry.value.program}, which the object does not have`, spec.section);
        map.update(entry.key, u32(target.program.fd));
      }
    }
  }
}

const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);

/** The object's BTF in the kernel, sanitised for it; null without BTF or when the kernel refuses it (BTF is optional, as for libbpf). */
function loadObjectBtf(spec: ObjectSpec): KernelBtf | null {
  if (spec.btf === null) return null;
  const features = probeBtfFeatures();
  if (!features.btf) return null;
  try {
    return KernelBtf.load(sanitizeBtf(spec.btf, features));
  } catch (err) {
    if (err instanceof KernelError) return null;
    throw err;
  }
}
