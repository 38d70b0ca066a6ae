import { BtfError } from './errors.js';
import { parseBtfBytes, type BtfHeader } from './parse.js';
import type { BtfStrings } from './strings.js';
import type { BtfType, BtfTypeOf } from './types.js';

const VOID: BtfType = { id: 0, name: '', kind: 'void' };
const UNSIZED = -1;
const MAX_SIZE = 0xffffffff;

export interface BtfOptions {
  /** Where the bytes came from, for errors (default `.BTF`). */
  readonly section?: string;
  /** Base BTF for split BTF (kernel module BTF over vmlinux). */
  readonly base?: Btf;
}

/** Ids of the types a type refers to, with whether 0 (void) is allowed there. */
function references(t: BtfType): Array<[number, boolean]> {
  switch (t.kind) {
    case 'ptr': case 'typedef': case 'volatile': case 'const': case 'restrict': case 'type_tag':
      return [[t.type, true]];
    case 'array': return [[t.type, false], [t.indexType, false]];
    case 'struct': case 'union': return t.members.map((m) => [m.type, false]);
    case 'func': case 'var': case 'decl_tag': return [[t.type, false]];
    case 'func_proto': return [[t.returnType, true], ...t.params.map((p): [number, boolean] => [p.type, true])];
    case 'datasec': return t.vars.map((v) => [v.type, false]);
    default: return [];
  }
}

/**
 * Parsed and validated BTF: every type reference points at an existing type,
 * names are in the string section, and no chain of typedefs, modifiers,
 * arrays or vars loops. Type id 0 is void.
 */
export class Btf {
  readonly section: string;
  readonly header: BtfHeader;
  readonly strings: BtfStrings;
  readonly base: Btf | null;
  private readonly own: BtfType[];
  private readonly firstId: number;
  private readonly offsets: number[];
  private readonly sizes: Float64Array;
  private byName: Map<string, BtfType[]> | null = null;

  constructor(readonly bytes: Uint8Array, options: BtfOptions = {}) {
    this.section = options.section ?? '.BTF';
    this.base = options.base ?? null;
    const parsed = parseBtfBytes(bytes, this.section,
      this.base === null ? null : { strings: this.base.strings, typeCount: this.base.typeCount });
    this.header = parsed.header;
    this.strings = parsed.strings;
    this.own = parsed.types;
    this.firstId = parsed.firstId;
    this.offsets = parsed.offsets;
    this.sizes = new Float64Array(this.own.length).fill(Number.NaN);
    this.checkReferences();
    this.resolveSizes();
  }

  /** Number of type ids, including void (id 0) and the base's types. */
  get typeCount(): number {
    return this.firstId + this.own.length;
  }

  /** The type with this id; throws BtfError for an id that does not exist. */
  type(id: number): BtfType {
    if (id === 0) return VOID;
    if (id < this.firstId && this.base !== null) return this.base.type(id);
    const t = this.own[id - this.firstId];
    if (t === undefined || !Number.isInteger(id)) throw new BtfError(`type id ${id} does not exist (${this.typeCount} types)`, this.section, 0);
    return t;
  }

  /** The type with this id if it has the kind, else a BtfError. */
  typeOfKind<K extends BtfType['kind']>(id: number, ...kinds: K[]): BtfTypeOf<K> {
    const t = this.type(id);
    if (!(kinds as string[]).includes(t.kind)) {
      throw new BtfError(`type [${id}] is ${t.kind}, expected ${kinds.join(' or ')}`, this.section, this.offsetOf(id));
    }
    return t as BtfTypeOf<K>;
  }

  /** Byte offset of a type's record in the BTF blob (0 for void and base types). */
  offsetOf(id: number): number {
    return this.offsets[id - this.firstId] ?? 0;
  }

  /** All types (own and base), id order, void excluded. */
  *all(): IterableIterator<BtfType> {
    if (this.base !== null) yield* this.base.all();
    yield* this.own;
  }

  /** Types with this exact name (any kind). */
  findByName(name: string): readonly BtfType[] {
    if (this.byName === null) {
      const index = new Map<string, BtfType[]>();
      for (const t of this.all()) {
        if (t.name === '') continue;
        const list = index.get(t.name);
        if (list === undefined) index.set(t.name, [t]); else list.push(t);
      }
      this.byName = index;
    }
    return this.byName.get(name) ?? [];
  }

  /** The first type with this name and kind, if any. */
  find<K extends BtfType['kind']>(name: string, kind: K): BtfTypeOf<K> | undefined {
    return this.findByName(name).find((t) => t.kind === kind) as BtfTypeOf<K> | undefined;
  }

  /** The string at a string-section offset. */
  string(offset: number): string {
    return offset === 0 ? '' : this.strings.get(offset, 0);
  }

  /** Follows typedefs, const, volatile, restrict and type tags to the underlying type. */
  resolve(id: number): BtfType {
    let t = this.type(id);
    for (let steps = 0; steps <= this.typeCount; steps++) {
      switch (t.kind) {
        case 'typedef': case 'const': case 'volatile': case 'restrict': case 'type_tag':
          t = this.type(t.type);
          break;
        default:
          return t;
      }
    }
    throw new BtfError(`type [${id}] has a loop of typedefs or modifiers`, this.section, this.offsetOf(id));
  }

  /** Like resolve, but keeps typedefs (skips only qualifiers and type tags). */
  skipQualifiers(id: number): BtfType {
    let t = this.type(id);
    for (let steps = 0; steps <= this.typeCount; steps++) {
      if (t.kind !== 'const' && t.kind !== 'volatile' && t.kind !== 'restrict' && t.kind !== 'type_tag') return t;
      t = this.type(t.type);
    }
    throw new BtfError(`type [${id}] has a loop of modifiers`, this.section, this.offsetOf(id));
  }

  /** Size in bytes of a type (btf__resolve_size); BtfError for void, functions and forward declarations. */
  sizeOf(id: number): number {
    const size = this.sizeOrUnsized(id);
    if (size === UNSIZED) {
      throw new BtfError(`type [${id}] (${this.type(id).kind}) has no size`, this.section, this.offsetOf(id));
    }
    return size;
  }

  /** Size in bytes, or -1 for types without one. */
  sizeOrUnsized(id: number): number {
    if (id === 0) return UNSIZED;
    if (id < this.firstId && this.base !== null) return this.base.sizeOrUnsized(id);
    this.type(id);
    return this.sizes[id - this.firstId];
  }

  private checkReferences(): void {
    const count = this.typeCount;
    this.own.forEach((t, i) => {
      for (const [ref, voidOk] of references(t)) {
        if (ref >= count || (ref === 0 && !voidOk)) {
          throw new BtfError(`${t.kind} [${t.id}] refers to ${ref === 0 ? 'void where a type is required' : `type ${ref}, which does not exist (${count} types)`}`,
            this.section, this.offsets[i]);
        }
      }
      if (t.kind === 'func' && this.type(t.type).kind !== 'func_proto') {
        throw new BtfError(`func [${t.id}] type ${t.type} is not a func_proto`, this.section, this.offsets[i]);
      }
    });
  }

  /** The next type in a size chain (typedef, modifier, var, array element), or null at a sized or unsized end. */
  private chainNext(t: BtfType): number | null {
    switch (t.kind) {
      case 'typedef': case 'volatile': case 'const': case 'restrict': case 'type_tag': case 'var': case 'array':
        return t.type;
      default:
        return null;
    }
  }

  private ownSize(t: BtfType): number {
    switch (t.kind) {
      case 'int': case 'enum': case 'enum64': case 'struct': case 'union': case 'float': case 'datasec':
        return t.size;
      case 'ptr':
        return 8;
      default:
        return UNSIZED;
    }
  }

  /** Computes every type's size once, walking chains iteratively and refusing loops. */
  private resolveSizes(): void {
    const onPath = new Uint8Array(this.own.length);
    for (let i = 0; i < this.own.length; i++) {
      if (!Number.isNaN(this.sizes[i])) continue;
      const path: number[] = [];
      let id = this.own[i].id;
      let end: number;
      for (;;) {
        if (id < this.firstId) { end = this.base === null || id === 0 ? UNSIZED : this.base.sizeOrUnsized(id); break; }
        const local = id - this.firstId;
        if (!Number.isNaN(this.sizes[local])) { end = this.sizes[local]; break; }
        if (onPath[local] === 1) {
          throw new BtfError(`type [${id}] is part of a loop of typedefs, modifiers, arrays or vars`, this.section, this.offsets[local]);
        }
        const t = this.own[local];
        const next = this.chainNext(t);
        if (next === null) { end = this.ownSize(t); this.sizes[local] = end; break; }
        onPath[local] = 1;
        path.push(local);
        id = next;
      }
      for (let p = path.length - 1; p >= 0; p--) {
        const local = path[p];
        const t = this.own[local];
        onPath[local] = 0;
        if (t.kind === 'array' && end !== UNSIZED) {
          end = end * t.nelems;
          if (end > MAX_SIZE) throw new BtfError(`array [${t.id}] of ${t.nelems} elements is larger than 4 GiB`, this.section, this.offsets[local]);
        }
        this.sizes[local] = end;
      }
    }
  }
}
