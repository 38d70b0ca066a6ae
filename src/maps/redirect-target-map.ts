import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { BpfMap } from './bpf-map.js';
import { MapDefinitionError } from './errors.js';
import { E2BIG, EINVAL } from './errno.js';
import { BPF_F_NUMA_NODE, BPF_F_RDONLY, BPF_F_RDONLY_PROG, BPF_F_WRONLY } from './flags.js';

/** DEV_CREATE_FLAG_MASK (devmap, devmap_hash) and XSK_MAP's: the flags these maps accept. */
export const DEV_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY;
/** CONFIG_NR_CPUS of the reference kernel: cpumaps hold at most this many entries (E2BIG above). */
export const NR_CPUS = 256;

/**
 * The alloc checks of devmap, devmap_hash, cpumap and xskmap: a u32 key, one
 * of the listed value sizes (the short form of the value struct or the one
 * with bpf_prog.fd), max_entries > 0, and only the flags in `mask`.
 */
export function checkRedirectMapDefinition(def: ResolvedMapDefinition, valueSizes: readonly number[], mask: number): void {
  const fail = (errno: number, why: string): never => { throw new MapDefinitionError(def.name, errno, why); };
  if (def.maxEntries === 0) fail(EINVAL, 'max_entries is 0');
  if (def.keySize !== 4) fail(EINVAL, `key_size ${def.keySize} (the key is a u32)`);
  if (!valueSizes.includes(def.valueSize)) fail(EINVAL, `value_size ${def.valueSize} (${def.type} takes ${valueSizes.join(' or ')})`);
  if ((def.flags & ~mask) !== 0) fail(EINVAL, `map_flags 0x${def.flags.toString(16)}`);
  if (def.type === 'cpumap' && def.maxEntries > NR_CPUS) fail(E2BIG, `max_entries ${def.maxEntries} above NR_CPUS (${NR_CPUS})`);
}

/**
 * The maps bpf_redirect_map() takes: values live in `maxEntries` arena slots
 * (what bpf_map_lookup_elem points programs to), subclasses map keys to slots.
 * devmap and devmap_hash are read-only for programs: the kernel adds
 * BPF_F_RDONLY_PROG to their map_flags at creation.
 */
export abstract class RedirectTargetMap extends BpfMap {
  protected readonly values: number;

  protected constructor(arena: Arena, def: ResolvedMapDefinition, check: (def: ResolvedMapDefinition) => void) {
    super(arena, RedirectTargetMap.created(def, check), () => {});
    const readOnly = !this.programWritable;
    this.values = this.alloc(def.maxEntries * def.valueSize);
    this.addRegion(this.values, def.maxEntries * def.valueSize, 'map_value', 'values', !readOnly);
  }

  /** Checks the caller's definition, then adds what the kernel adds to map_flags. */
  private static created(def: ResolvedMapDefinition, check: (def: ResolvedMapDefinition) => void): ResolvedMapDefinition {
    check(def);
    const readOnly = def.type === 'devmap' || def.type === 'devmap_hash';
    return readOnly ? { ...def, flags: def.flags | BPF_F_RDONLY_PROG } : def;
  }

  /** The slot holding `key`, or -1. */
  protected abstract slotOf(key: number): number;

  /** The value's offset for `key`, or 0 (the map_lookup_elem both bpf() and programs use). */
  override lookupElem(keyOffset: number): number {
    const slot = this.slotOf(this.arena.view.getUint32(keyOffset, true));
    return slot < 0 ? 0 : this.values + slot * this.def.valueSize;
  }

  /** __bpf_xdp_redirect_map()'s lookup: whether bpf_redirect_map(map, key) finds a target. */
  hasTarget(key: number): boolean {
    return this.slotOf(key) >= 0;
  }

  /** The u32 at the start of `key`'s value (a devmap's ifindex), 0 without an entry. */
  targetIfindex(key: number): number {
    const slot = this.slotOf(key);
    return slot < 0 ? 0 : this.arena.view.getUint32(this.valueAt(slot), true);
  }

  protected valueAt(slot: number): number {
    return this.values + slot * this.def.valueSize;
  }
}
