// Parsers for the enums of linux/bpf.h that tsbpf takes its numbering from
// (used by gen-uapi-enums.ts, and by a test that checks the generated files).

/** Removes C comments (block and line) so that enum bodies parse cleanly. */
export function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

/** Helper names and ids; newer headers number them explicitly, older ones by position. */
export function parseHelpers(source: string, header = 'linux/bpf.h'): Array<[string, number]> {
  const body = stripComments(source);
  const explicit = /#define ___BPF_FUNC_MAPPER\(FN, ctx\.\.\.\)([\s\S]*?)\n\s*\n/.exec(body);
  const out: Array<[string, number]> = [];
  if (explicit) {
    for (const m of explicit[1].matchAll(/FN\((\w+),\s*(\d+),/g)) out.push([m[1], Number(m[2])]);
  } else {
    const implicit = /#define __BPF_FUNC_MAPPER\(FN\)([\s\S]*?)\n\s*\n/.exec(body);
    if (!implicit) throw new Error(`${header}: no helper mapper macro found`);
    let id = 0;
    for (const m of implicit[1].matchAll(/FN\((\w+)\)/g)) out.push([m[1], id++]);
  }
  if (out.length === 0 || out[0][0] !== 'unspec') throw new Error(`${header}: helper list does not start with unspec`);
  return out;
}

/** Members of `enum NAME { ... }` with their values (sequential unless assigned). */
export function parseEnum(source: string, name: string, prefix: string, header = 'linux/bpf.h'): Array<[string, number]> {
  const body = new RegExp(`enum ${name} \\{([\\s\\S]*?)\\n\\};`).exec(stripComments(source));
  if (!body) throw new Error(`${header}: enum ${name} not found`);
  const values = new Map<string, number>();
  const out: Array<[string, number]> = [];
  let next = 0;
  for (const raw of body[1].split(',')) {
    const item = raw.trim();
    if (!item || item.startsWith('__MAX')) continue;
    const m = /^(\w+)\s*(?:=\s*(\w+))?$/.exec(item);
    if (!m) throw new Error(`${header}: cannot parse enum ${name} member "${item}"`);
    const value = m[2] === undefined ? next : /^\d+$/.test(m[2]) ? Number(m[2]) : values.get(m[2]);
    if (value === undefined) throw new Error(`${header}: enum ${name}: unknown value ${m[2]}`);
    values.set(m[1], value);
    next = value + 1;
    if (m[1].startsWith(prefix) && !m[1].endsWith('_DEPRECATED')) out.push([m[1].slice(prefix.length).toLowerCase(), value]);
  }
  return out;
}
