import type { ObjectSpec } from '../elf/object-spec.js';
import { TsbpfError } from '../errors.js';
import type { BackendName, BackendObject } from './backend.js';
import { globalsView, indexGlobals, type GlobalsView } from './globals.js';
import { ObjectMap } from './object-map.js';
import { ObjectProgram } from './object-program.js';

/** A program or map name the object does not have. */
export class UnknownNameError extends TsbpfError {}

const EMPTY = new Map();

/**
 * A BPF object loaded on a backend (tsbpf's VM or the kernel), the same API
 * for both: programs to test-run, maps with BTF-decoded keys and values,
 * and global variables by name, like a libbpf skeleton. `B` is the backend
 * when loadObject() knew it statically (it types what program.attach() returns).
 */
export class BpfObject<B extends BackendName = BackendName> {
  /** Programs by function name. */
  readonly programs: Readonly<Record<string, ObjectProgram<B>>>;
  /** Maps by name (global data maps as libbpf names them: `<obj>.bss`, `.data.stats`...). */
  readonly maps: Readonly<Record<string, ObjectMap>>;
  /** Every global variable by name (the first section holding a name wins). */
  readonly globals: GlobalsView;
  private readonly sections = new Map<string, GlobalsView>();
  private readonly sectionVars;
  private closed = false;

  constructor(private readonly live: BackendObject) {
    const btf = live.spec.btf;
    const programs: Record<string, ObjectProgram<B>> = Object.create(null);
    for (const [name, p] of live.programs) programs[name] = new ObjectProgram<B>(p);
    const maps: Record<string, ObjectMap> = Object.create(null);
    const byName = new Map<string, ObjectMap>();
    for (const [name, m] of live.maps) {
      const map = new ObjectMap(m, btf);
      maps[name] = map;
      byName.set(name, map);
    }
    this.programs = Object.freeze(programs);
    this.maps = Object.freeze(maps);
    const { bySection, all } = indexGlobals(byName);
    this.sectionVars = bySection;
    this.globals = globalsView(btf, all, `object ${live.spec.name}`);
  }

  get backend(): B { return this.live.backend as B; }
  /** The spec as instantiated (CO-RE relocations applied). */
  get spec(): ObjectSpec { return this.live.spec; }
  get name(): string { return this.live.spec.name; }

  /** Variables of `.bss` (like a skeleton's `bss`). */
  get bss(): GlobalsView { return this.section('.bss'); }
  /** Variables of `.data`. */
  get data(): GlobalsView { return this.section('.data'); }
  /** Variables of `.rodata` (writable only before load: see loadObject's `globals`). */
  get rodata(): GlobalsView { return this.section('.rodata'); }

  /** Variables of one data section by its ELF name (`.data.stats`, `.bss`...). */
  section(name: string): GlobalsView {
    let view = this.sections.get(name);
    if (view === undefined) {
      view = globalsView(this.live.spec.btf, this.sectionVars.get(name) ?? EMPTY, `section ${name}`);
      this.sections.set(name, view);
    }
    return view;
  }

  program(name: string): ObjectProgram<B> {
    const p = Object.prototype.hasOwnProperty.call(this.programs, name) ? this.programs[name] : undefined;
    if (p === undefined) throw new UnknownNameError(`object ${this.name} has no program ${name} (it has: ${Object.keys(this.programs).join(', ') || 'none'})`);
    return p;
  }

  map(name: string): ObjectMap {
    const m = Object.prototype.hasOwnProperty.call(this.maps, name) ? this.maps[name] : undefined;
    if (m === undefined) throw new UnknownNameError(`object ${this.name} has no map ${name} (it has: ${Object.keys(this.maps).join(', ') || 'none'})`);
    return m;
  }

  /** Releases the maps and programs (kernel fds, or the VM's arena). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.live.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
