// What scripts/gen-uapi-enums.ts generates into src/uapi/, and from where: the
// running kernel's BTF (exact for this kernel, newer values included) or,
// without it, the uapi header linux/bpf.h; #define constants and errno numbers
// come from the headers, since BTF has no macros. Also used by the test that
// checks the committed files against this machine.
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import type { Btf } from '../src/btf/index.js';

/** An enum's members in declaration order, with their values. */
export type Members = Array<[name: string, value: bigint]>;

/** One of the kernel's named enums, one generated file each. */
export interface EnumSpec {
  readonly file: string;
  /** The C name (`enum bpf_map_type`). */
  readonly cName: string;
  readonly constName: string;
  readonly typeName: string;
}

export const ENUMS: readonly EnumSpec[] = [
  { file: 'bpf-cmd.ts', cName: 'bpf_cmd', constName: 'BpfCmd', typeName: 'BpfCmdName' },
  { file: 'bpf-map-type.ts', cName: 'bpf_map_type', constName: 'BpfMapType', typeName: 'BpfMapTypeName' },
  { file: 'bpf-prog-type.ts', cName: 'bpf_prog_type', constName: 'BpfProgType', typeName: 'BpfProgTypeName' },
  { file: 'bpf-attach-type.ts', cName: 'bpf_attach_type', constName: 'BpfAttachType', typeName: 'BpfAttachTypeName' },
  { file: 'bpf-link-type.ts', cName: 'bpf_link_type', constName: 'BpfLinkType', typeName: 'BpfLinkTypeName' },
  { file: 'bpf-func-id.ts', cName: 'bpf_func_id', constName: 'BpfFuncId', typeName: 'BpfFuncIdName' },
];

/**
 * Groups of flag constants, all in src/uapi/flags.ts. `anonymousEnum`: the
 * anonymous enum of bpf.h that declares that member (BTF keeps those);
 * `defines`: #define constants (only the header has them). `bigint` for the
 * u64 flags arguments of helpers.
 */
export type FlagGroup = { readonly doc: string; readonly bigint?: boolean } & (
  | { readonly anonymousEnum: string }
  | { readonly defines: readonly string[] }
);

export const FLAG_GROUPS: readonly FlagGroup[] = [
  { doc: 'Flags of BPF_MAP_UPDATE_ELEM and bpf_map_update_elem() (BPF_F_LOCK also of lookups).', anonymousEnum: 'BPF_ANY' },
  { doc: 'Flags of BPF_MAP_CREATE (map_flags).', anonymousEnum: 'BPF_F_NO_PREALLOC' },
  { doc: 'Flags of bpf_perf_event_output().', anonymousEnum: 'BPF_F_INDEX_MASK', bigint: true },
  { doc: 'Flags of bpf_ringbuf_output(), bpf_ringbuf_submit() and bpf_ringbuf_discard().', anonymousEnum: 'BPF_RB_NO_WAKEUP', bigint: true },
  { doc: 'Selectors of bpf_ringbuf_query().', anonymousEnum: 'BPF_RB_AVAIL_DATA', bigint: true },
  { doc: 'Ring buffer record header: bits of struct bpf_ringbuf_hdr.len, and its size.', anonymousEnum: 'BPF_RINGBUF_BUSY_BIT' },
  { doc: 'Flags of bpf_skb_store_bytes().', anonymousEnum: 'BPF_F_RECOMPUTE_CSUM', bigint: true },
  { doc: 'Flags of bpf_l3_csum_replace() and bpf_l4_csum_replace(): the size of the changed field.', anonymousEnum: 'BPF_F_HDR_FIELD_MASK', bigint: true },
  { doc: 'Flags of bpf_l4_csum_replace().', anonymousEnum: 'BPF_F_PSEUDO_HDR', bigint: true },
  { doc: 'Flags of bpf_redirect() and bpf_redirect_map().', anonymousEnum: 'BPF_F_INGRESS', bigint: true },
  { doc: 'Flags of bpf_get_stackid() and bpf_get_stack().', anonymousEnum: 'BPF_F_SKIP_FIELD_MASK', bigint: true },
  {
    doc: 'Flags of BPF_PROG_LOAD (prog_flags).',
    defines: ['BPF_F_STRICT_ALIGNMENT', 'BPF_F_ANY_ALIGNMENT', 'BPF_F_TEST_RND_HI32', 'BPF_F_TEST_STATE_FREQ', 'BPF_F_SLEEPABLE', 'BPF_F_XDP_HAS_FRAGS'],
  },
  { doc: 'Flags of BPF_PROG_TEST_RUN.', defines: ['BPF_F_TEST_RUN_ON_CPU', 'BPF_F_TEST_XDP_LIVE_FRAMES', 'BPF_F_TEST_SKB_CHECKSUM_COMPLETE'] },
  { doc: 'Length of map and program names, NUL included.', defines: ['BPF_OBJ_NAME_LEN'] },
];

/** Where enums are read from. */
export interface EnumSource {
  /** For the banner of generated files. */
  readonly describe: string;
  namedEnum(cName: string): Members;
  anonymousEnum(member: string): Members;
}

/** Range sentinels (`__MAX_BPF_CMD`, `MAX_BPF_LINK_TYPE`) and compatibility aliases (`*_DEPRECATED`) are not values. */
const isValueName = (name: string): boolean => !name.startsWith('__') && !name.startsWith('MAX_') && !name.endsWith('_DEPRECATED');

// ---------------------------------------------------------------- BTF

export function btfSource(btf: Btf, describe = `/sys/kernel/btf/vmlinux (Linux ${release()})`): EnumSource {
  let anonymous: Map<string, Members> | undefined;
  const membersOf = (t: ReturnType<Btf['type']>): Members =>
    t.kind === 'enum' || t.kind === 'enum64' ? t.values.map((v) => [v.name, BigInt(v.value)]) : [];
  return {
    describe,
    namedEnum(cName) {
      const found = btf.findByName(cName).filter((t) => t.kind === 'enum' || t.kind === 'enum64');
      if (found.length === 0) throw new Error(`${describe}: enum ${cName} not found`);
      return membersOf(found[0]).filter(([name]) => isValueName(name));
    },
    anonymousEnum(member) {
      if (!anonymous) {
        anonymous = new Map();
        for (let id = 1; id < btf.typeCount; id++) {
          const t = btf.type(id);
          if ((t.kind !== 'enum' && t.kind !== 'enum64') || t.name !== '') continue;
          const members = membersOf(t);
          for (const [name] of members) if (!anonymous.has(name)) anonymous.set(name, members);
        }
      }
      const members = anonymous.get(member);
      if (!members) throw new Error(`${describe}: no anonymous enum declares ${member}`);
      return members;
    },
  };
}

// ---------------------------------------------------------------- header

/** Removes C comments (block and line). */
export function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

/**
 * Evaluates an integer constant expression of the uapi headers: literals
 * (decimal, hex, U/L suffixes), names defined before, parentheses, unary
 * minus, `<<` and `|`.
 */
export function evalConstant(text: string, known: ReadonlyMap<string, bigint>, where: string): bigint {
  const tokens = text.match(/0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|\w+|<<|[()|-]|\S/g) ?? [];
  let at = 0;
  const fail = (): never => {
    throw new Error(`${where}: cannot evaluate "${text.trim()}"`);
  };
  const primary = (): bigint => {
    const tok = tokens[at++] ?? fail();
    if (tok === '(') {
      const v = or();
      if (tokens[at++] !== ')') fail();
      return v;
    }
    if (tok === '-') return -primary();
    if (/^\d/.test(tok)) return BigInt(tok.replace(/[uUlL]+$/, ''));
    return known.get(tok) ?? fail();
  };
  const shift = (): bigint => {
    let v = primary();
    while (tokens[at] === '<<') { at++; v <<= primary(); }
    return v;
  };
  const or = (): bigint => {
    let v = shift();
    while (tokens[at] === '|') { at++; v |= shift(); }
    return v;
  };
  const value = or();
  if (at !== tokens.length) fail();
  return value;
}

/** The members of an enum body (`A = 1, B, C = A`), values as C assigns them. */
function parseEnumBody(body: string, where: string, known: Map<string, bigint>): Members {
  const out: Members = [];
  let next = 0n;
  // A #define may stand inside an enum's braces (BPF_F_REDIRECT_FLAGS): not a member.
  for (const raw of body.replace(/^[ \t]*#[^\n]*$/gm, '').split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const m = /^(\w+)\s*(?:=\s*([\s\S]+))?$/.exec(item);
    if (!m) throw new Error(`${where}: cannot parse member "${item}"`);
    const value = m[2] === undefined ? next : evalConstant(m[2], known, `${where}: ${m[1]}`);
    known.set(m[1], value);
    next = value + 1n;
    out.push([m[1], value]);
  }
  return out;
}

/** Helper ids from ___BPF_FUNC_MAPPER (numbered) or the older __BPF_FUNC_MAPPER (by position). */
export function parseHelperMapper(source: string, where = 'linux/bpf.h'): Members {
  const body = stripComments(source);
  const explicit = /#define ___BPF_FUNC_MAPPER\(FN, ctx\.\.\.\)([\s\S]*?)\n\s*\n/.exec(body);
  const out: Members = [];
  if (explicit) {
    for (const m of explicit[1].matchAll(/FN\((\w+),\s*(\d+),/g)) out.push([`BPF_FUNC_${m[1]}`, BigInt(m[2])]);
  } else {
    const implicit = /#define __BPF_FUNC_MAPPER\(FN\)([\s\S]*?)\n\s*\n/.exec(body);
    if (!implicit) throw new Error(`${where}: no helper mapper macro found`);
    let id = 0n;
    for (const m of implicit[1].matchAll(/FN\((\w+)\)/g)) out.push([`BPF_FUNC_${m[1]}`, id++]);
  }
  if (out.length === 0 || out[0][0] !== 'BPF_FUNC_unspec') throw new Error(`${where}: helper list does not start with unspec`);
  return out;
}

/** Object-like `#define NAME VALUE` constants of a header, evaluated on demand. */
export function headerDefines(source: string, where: string): (name: string) => bigint {
  const text = new Map<string, string>();
  for (const m of stripComments(source).matchAll(/^#define[ \t]+(\w+)[ \t]+([^\n]+)$/gm)) text.set(m[1], m[2]);
  const known = new Map<string, bigint>();
  const lookup = (name: string): bigint => {
    const cached = known.get(name);
    if (cached !== undefined) return cached;
    const value = text.get(name);
    if (value === undefined) throw new Error(`${where}: no #define ${name}`);
    // A define may name another one (EWOULDBLOCK EAGAIN): resolve those first.
    const refs = new Map<string, bigint>();
    for (const ref of value.match(/\b[A-Za-z_]\w*\b/g) ?? []) if (text.has(ref) && ref !== name) refs.set(ref, lookup(ref));
    const v = evalConstant(value, refs, `${where}: ${name}`);
    known.set(name, v);
    return v;
  };
  return lookup;
}

/** The names of a header's object-like #define constants, in order. */
export function headerDefineNames(source: string): string[] {
  return [...stripComments(source).matchAll(/^#define[ \t]+(\w+)[ \t]+\S/gm)].map((m) => m[1]);
}

export function headerSource(source: string, describe = 'linux/bpf.h'): EnumSource {
  const body = stripComments(source);
  const enumBodies = [...body.matchAll(/enum\s*(\w*)\s*\{([\s\S]*?)\n\};/g)];
  return {
    describe,
    namedEnum(cName) {
      if (cName === 'bpf_func_id') return parseHelperMapper(source, describe);
      const found = enumBodies.find((m) => m[1] === cName);
      if (!found) throw new Error(`${describe}: enum ${cName} not found`);
      return parseEnumBody(found[2], `${describe}: enum ${cName}`, new Map()).filter(([name]) => isValueName(name));
    },
    anonymousEnum(member) {
      const found = enumBodies.find((m) => m[1] === '' && new RegExp(`\\b${member}\\b`).test(m[2]));
      if (!found) throw new Error(`${describe}: no anonymous enum declares ${member}`);
      return parseEnumBody(found[2], `${describe}: enum { ${member}, ... }`, new Map());
    },
  };
}

// ---------------------------------------------------------------- rendering

const banner = (from: string): string => `// Generated by scripts/gen-uapi-enums.ts from ${from}. Do not edit by hand.\n`;

/** Decimal for ids and small numbers, hex for masks and high bits. */
const literal = (value: bigint, bigint: boolean): string => {
  const text = value < 1024n ? value.toString() : `0x${value.toString(16)}`;
  if (bigint) return `${text}n`;
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${value} does not fit a number`);
  return text;
};

export function renderEnum(spec: EnumSpec, members: Members, from: string): string {
  const lines = [banner(from)];
  lines.push(`/** enum ${spec.cName} (include/uapi/linux/bpf.h): the kernel's names and values. */`);
  lines.push(`export const ${spec.constName} = {`);
  for (const [name, value] of members) lines.push(`  ${name}: ${Number(value)},`);
  lines.push('} as const;');
  lines.push('');
  lines.push(`export type ${spec.typeName} = keyof typeof ${spec.constName};`);
  return lines.join('\n') + '\n';
}

export function renderFlags(groups: ReadonlyArray<{ group: FlagGroup; members: Members }>, from: string): string {
  const lines = [banner(from)];
  for (const { group, members } of groups) {
    lines.push(`/** ${group.doc} */`);
    for (const [name, value] of members) lines.push(`export const ${name} = ${literal(value, group.bigint === true)};`);
    lines.push('');
  }
  return lines.join('\n');
}

export function renderErrno(members: Members, from: string): string {
  const lines = [banner(from)];
  lines.push('/** Linux errno numbers (include/uapi/asm-generic/errno-base.h and errno.h); an alias follows its target. */');
  lines.push('export const Errno = {');
  for (const [name, value] of members) lines.push(`  ${name}: ${value},`);
  lines.push('} as const;');
  lines.push('');
  lines.push('export type ErrnoName = keyof typeof Errno;');
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- everything

export const ERRNO_HEADERS = ['/usr/include/asm-generic/errno-base.h', '/usr/include/asm-generic/errno.h'];

export interface UapiInputs {
  /** Enums (and the flags of anonymous enums): BTF when the kernel has it, else the header. */
  readonly enums: EnumSource;
  /** linux/bpf.h, for #define flags. */
  readonly header: string;
  /** asm-generic/errno-base.h then errno.h. */
  readonly errnoHeaders: readonly string[];
}

/** Every generated file of src/uapi/: path relative to src/uapi/ -> text. */
export function generateUapi(inputs: UapiInputs): Map<string, string> {
  const files = new Map<string, string>();
  for (const spec of ENUMS) files.set(spec.file, renderEnum(spec, inputs.enums.namedEnum(spec.cName), inputs.enums.describe));

  const define = headerDefines(inputs.header, 'linux/bpf.h');
  const flags = FLAG_GROUPS.map((group) => ({
    group,
    members: 'anonymousEnum' in group
      ? inputs.enums.anonymousEnum(group.anonymousEnum)
      : group.defines.map((name): [string, bigint] => [name, define(name)]),
  }));
  const flagsFrom = inputs.enums.describe === 'linux/bpf.h' ? 'linux/bpf.h' : `${inputs.enums.describe} and linux/bpf.h (#define)`;
  files.set('flags.ts', renderFlags(flags, flagsFrom));

  // One text: errno.h's aliases name values of errno-base.h (EWOULDBLOCK EAGAIN).
  const errnoText = inputs.errnoHeaders.join('\n');
  const errnoValue = headerDefines(errnoText, 'asm-generic/errno.h');
  const errno: Members = headerDefineNames(errnoText).filter((name) => /^E[A-Z0-9]+$/.test(name)).map((name) => [name, errnoValue(name)]);
  files.set('errno.ts', renderErrno(errno, 'asm-generic/errno-base.h and asm-generic/errno.h'));
  return files;
}

/** This machine's inputs: vmlinux BTF if present (else linux/bpf.h) for enums; the headers for the rest. */
export function machineInputs(
  loadBtf: () => Btf | null,
  headerPath = '/usr/include/linux/bpf.h',
  errnoPaths: readonly string[] = ERRNO_HEADERS,
): UapiInputs {
  const header = readFileSync(headerPath, 'utf8');
  const btf = loadBtf();
  return {
    enums: btf ? btfSource(btf) : headerSource(header),
    header,
    errnoHeaders: errnoPaths.map((p) => readFileSync(p, 'utf8')),
  };
}
