import type { Arena } from '../memory/arena.js';
import type { TailCallTarget } from '../engine/abi.js';
import type { BpfMap } from './bpf-map.js';

/** A program that prog_array maps may hold, with what the kernel checks on insert. */
export interface ProgramEntry {
  readonly id: number;
  readonly target: TailCallTarget;
  readonly name: string;
  /** Program type name, when known; prog_array refuses programs of a different type. */
  readonly type: string | undefined;
}

/**
 * Every live map and tail-callable program of one arena (one VM). Helpers
 * find a map from the pointer a program passes; hosts name maps and programs
 * by id where the kernel takes a file descriptor (prog_array and map-in-map
 * values through the syscall-level API).
 */
export class MapRegistry {
  /** num_possible_cpus() for per-CPU maps created from now on. */
  nCpus = 1;
  /**
   * ifindexes of the network devices devmaps may name. The VM has no
   * netdevs; like every network namespace it has the loopback device (1),
   * which test runs use. Hosts add the ifindexes they forward to.
   */
  readonly netdevs = new Set<number>([1]);
  private readonly byDescriptor = new Map<number, BpfMap>();
  private readonly byPointer = new Map<bigint, BpfMap>();
  /** The last pointer looked up, and its map: programs pass the same map pointer again and again. */
  private lastPointer = -1n;
  private lastMap: BpfMap | undefined;
  private readonly maps = new Map<number, BpfMap>();
  private readonly programs = new Map<number, ProgramEntry>();
  private nextMapId = 1;
  private nextProgramId = 1;

  constructor(readonly arena: Arena) {}

  /** Called by the map base class; returns the map's id. */
  add(map: BpfMap, descriptorOffset: number): number {
    const id = this.nextMapId++;
    this.byDescriptor.set(descriptorOffset, map);
    this.byPointer.set(this.arena.pointer(descriptorOffset), map);
    this.maps.set(id, map);
    return id;
  }

  remove(map: BpfMap): void {
    this.byDescriptor.delete(map.descriptorOffset);
    this.byPointer.delete(map.pointer);
    this.maps.delete(map.id);
    this.lastPointer = -1n;
    this.lastMap = undefined;
  }

  /** The map whose descriptor `pointer` addresses (CONST_PTR_TO_MAP), or undefined. */
  fromPointer(pointer: bigint): BpfMap | undefined {
    if (pointer === this.lastPointer) return this.lastMap;
    const map = this.byPointer.get(pointer) ?? this.byPointer.get(BigInt.asUintN(64, pointer));
    if (map) {
      this.lastPointer = pointer;
      this.lastMap = map;
    }
    return map;
  }

  /** The map whose descriptor is at arena offset `offset`, or undefined. */
  fromDescriptor(offset: number): BpfMap | undefined {
    return this.byDescriptor.get(offset);
  }

  mapById(id: number): BpfMap | undefined {
    return this.maps.get(id);
  }

  allMaps(): IterableIterator<BpfMap> {
    return this.maps.values();
  }

  /** Makes a program eligible for prog_array maps; returns its id (the "fd" for raw updates). */
  addProgram(target: TailCallTarget, name = 'prog', type?: string): ProgramEntry {
    const entry: ProgramEntry = { id: this.nextProgramId++, target, name, type };
    this.programs.set(entry.id, entry);
    return entry;
  }

  programById(id: number): ProgramEntry | undefined {
    return this.programs.get(id);
  }

  removeProgram(id: number): void {
    this.programs.delete(id);
  }
}

const registries = new WeakMap<Arena, MapRegistry>();
let lastArena: Arena | undefined;
let lastRegistry: MapRegistry | undefined;

/** The registry of an arena, created on first use. */
export function mapRegistry(arena: Arena): MapRegistry {
  if (arena === lastArena) return lastRegistry!;
  let r = registries.get(arena);
  if (!r) registries.set(arena, (r = new MapRegistry(arena)));
  lastArena = arena;
  lastRegistry = r;
  return r;
}
