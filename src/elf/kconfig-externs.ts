import type { Btf } from '../btf/btf.js';
import { BTF_VAR_GLOBAL_ALLOCATED, BTF_VAR_GLOBAL_EXTERN } from '../btf/kinds.js';
import { SHN_UNDEF, STB_WEAK } from './constants.js';
import { ElfError } from './errors.js';
import type { ElfSymbol } from './types.js';

/** libbpf's enum kcfg_type: how a `__kconfig` extern's C type takes a value. */
export type KcfgType = 'bool' | 'char' | 'int' | 'tristate' | 'char_arr';

/** One `extern ... __kconfig` variable, placed in the object's `.kconfig` map. */
export interface KconfigExtern {
  readonly name: string;
  /** BTF id of the VAR and of its type. */
  readonly varId: number;
  readonly typeId: number;
  readonly type: KcfgType;
  readonly size: number;
  readonly align: number;
  readonly signed: boolean;
  /** `__weak`: an unresolved value is 0 instead of an error. */
  readonly weak: boolean;
  /** Byte offset in the map value. */
  readonly offset: number;
}

/** The `.kconfig` externs of an object and the size of the map that holds them. */
export interface KconfigLayout {
  readonly datasecId: number;
  readonly externs: readonly KconfigExtern[];
  readonly size: number;
}

/** find_kcfg_type(): the kcfg class of a BTF type, or null when libbpf cannot fill it. */
function kcfgType(btf: Btf, id: number): { type: KcfgType; signed: boolean } | null {
  const t = btf.resolve(id);
  switch (t.kind) {
    case 'int':
      if (t.bool) return t.size === 1 ? { type: 'bool', signed: false } : null;
      if (t.size === 1) return { type: 'char', signed: t.signed };
      if (t.size < 1 || t.size > 8 || (t.size & (t.size - 1)) !== 0) return null;
      return { type: 'int', signed: t.signed };
    case 'enum':
    case 'enum64':
      return t.name === 'libbpf_tristate' && (t.kind === 'enum64' || t.size === 4) ? { type: 'tristate', signed: false } : null;
    case 'array':
      return t.nelems > 0 && kcfgType(btf, t.type)?.type === 'char' ? { type: 'char_arr', signed: false } : null;
    default:
      return null;
  }
}

/** cmp_externs(): alignment descending, then size ascending, then name. */
function compareExterns(a: Omit<KconfigExtern, 'offset'>, b: Omit<KconfigExtern, 'offset'>): number {
  if (a.align !== b.align) return b.align - a.align;
  if (a.size !== b.size) return a.size - b.size;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The object's `__kconfig` externs (the variables of its `.kconfig` DATASEC,
 * undefined symbols in the ELF), typed and laid out as libbpf's
 * bpf_object__collect_externs does; null when it has none.
 */
export function collectKconfigExterns(btf: Btf | null, symbols: readonly ElfSymbol[]): KconfigLayout | null {
  const datasec = btf?.find('.kconfig', 'datasec');
  if (btf === null || btf === undefined || datasec === undefined) return null;
  const undefinedSymbols = new Map(symbols.filter((s) => s.sectionIndex === SHN_UNDEF && s.name !== '').map((s) => [s.name, s]));
  const unplaced: Omit<KconfigExtern, 'offset'>[] = [];
  for (const v of datasec.vars) {
    const variable = btf.type(v.type);
    if (variable.kind !== 'var') continue;
    const fail = (why: string): never => { throw new ElfError(`extern (kcfg) '${variable.name}': ${why}`, '.kconfig', 0); };
    if (variable.linkage !== BTF_VAR_GLOBAL_EXTERN && variable.linkage !== BTF_VAR_GLOBAL_ALLOCATED) fail('is not an extern variable');
    const symbol = undefinedSymbols.get(variable.name);
    if (symbol === undefined) fail('has no undefined ELF symbol');
    const kind = kcfgType(btf, variable.type);
    if (kind === null) fail('type is unsupported (bool, char, integers, enum libbpf_tristate or char arrays)');
    const size = btf.sizeOf(variable.type);
    const align = kind!.type === 'char_arr' ? 1 : size;
    unplaced.push({ name: variable.name, varId: variable.id, typeId: variable.type, type: kind!.type, size, align, signed: kind!.signed, weak: symbol!.bind === STB_WEAK });
  }
  let end = 0;
  const externs = unplaced.sort(compareExterns).map((e) => {
    const offset = Math.ceil(end / e.align) * e.align;
    end = offset + e.size;
    return { ...e, offset };
  });
  return { datasecId: datasec.id, externs, size: end };
}
