// Lookups in the generated enum tables (name -> value objects of this folder).

type Table = Readonly<Record<string, number>>;

const reversed = new WeakMap<Table, Map<number, string>>();

/** value -> name; of two names with one value (BPF_PROG_TEST_RUN, BPF_PROG_RUN) the first declared wins. */
function byValue(table: Table): Map<number, string> {
  let names = reversed.get(table);
  if (!names) {
    names = new Map();
    for (const [name, value] of Object.entries(table)) if (!names.has(value)) names.set(value, name);
    reversed.set(table, names);
  }
  return names;
}

/** The name of `value` in `table`, or undefined when the table has none. */
export function enumNameOf<T extends Table>(table: T, value: number): Extract<keyof T, string> | undefined {
  return byValue(table).get(value) as Extract<keyof T, string> | undefined;
}

/** The name of `value` in `table`, or `#N` when unknown (for messages). */
export function enumName(table: Table, value: number): string {
  return enumNameOf(table, value) ?? `#${value}`;
}

/** True when `name` is one of the table's names. */
export function isEnumName<T extends Table>(table: T, name: string): name is Extract<keyof T, string> {
  return Object.prototype.hasOwnProperty.call(table, name);
}
