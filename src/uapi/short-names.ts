// The short, lower-case names tsbpf's maps, program types and helpers go by
// (`hash`, `xdp`, `map_lookup_elem`), computed from the kernel's full names.
import { enumNameOf, isEnumName } from './enum-lookup.js';

type Table = Readonly<Record<string, number>>;

/** `BPF_MAP_TYPE_LRU_HASH` -> `lru_hash` at the type level. */
export type ShortNames<T extends Table, P extends string> = {
  readonly [K in keyof T as K extends `${P}${infer Rest}` ? Lowercase<Rest> : never]: T[K];
};

/** The members of `table` whose names start with `prefix`, without it and in lower case; same order and values. */
export function shortNames<T extends Table, P extends string>(table: T, prefix: P): ShortNames<T, P> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(table)) {
    if (name.startsWith(prefix)) out[name.slice(prefix.length).toLowerCase()] = value;
  }
  return Object.freeze(out) as ShortNames<T, P>;
}

/** A short-name table and its lookups, as maps, program types and helpers export them. */
export interface ShortEnum<S extends Table> {
  readonly table: S;
  /** The name of a value, or undefined when the kernel does not define it (first declared of aliases). */
  readonly nameOf: (value: number) => Extract<keyof S, string> | undefined;
  /** True when `name` is one of the table's names. */
  readonly isName: (name: string) => name is Extract<keyof S, string>;
}

export function shortEnum<T extends Table, P extends string>(full: T, prefix: P): ShortEnum<ShortNames<T, P>> {
  const table = shortNames(full, prefix);
  return {
    table,
    nameOf: (value) => enumNameOf(table, value),
    isName: (name): name is Extract<keyof ShortNames<T, P>, string> => isEnumName(table, name),
  };
}
