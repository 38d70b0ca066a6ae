import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { loadVmlinuxBtf, VMLINUX_BTF_PATH } from '../../src/btf/index.js';
import * as uapi from '../../src/uapi/index.js';
import {
  btfSource, ENUMS, ERRNO_HEADERS, evalConstant, FLAG_GROUPS, generateUapi, headerDefines, headerSource, machineInputs,
  type EnumSource, type Members,
} from '../../scripts/uapi-enums.js';

const HEADER = '/usr/include/linux/bpf.h';
const UAPI_DIR = new URL('../../src/uapi/', import.meta.url);
const hasHeader = existsSync(HEADER) && ERRNO_HEADERS.every(existsSync);
const hasBtf = existsSync(VMLINUX_BTF_PATH);
const committed = (file: string): string => readFileSync(new URL(file, UAPI_DIR), 'utf8');
const tables = uapi as unknown as Record<string, Readonly<Record<string, number>>>;
const flagValue = (name: string): number | bigint | undefined => (uapi as unknown as Record<string, number | bigint>)[name];

/**
 * Values of the names both sides have must agree (a source may be older or
 * newer than the generated files: names only one side has are not errors).
 * Returns the names only the source has.
 */
function compareCommon(what: string, source: Members, table: Readonly<Record<string, number | bigint>>): string[] {
  const missing: string[] = [];
  for (const [name, value] of source) {
    if (!(name in table)) missing.push(name);
    else assert.equal(BigInt(table[name]), value, `${what}: ${name}`);
  }
  return missing;
}

function compareSource(source: EnumSource): string[] {
  const missing: string[] = [];
  for (const spec of ENUMS) missing.push(...compareCommon(`enum ${spec.cName}`, source.namedEnum(spec.cName), tables[spec.constName]));
  for (const group of FLAG_GROUPS) {
    if (!('anonymousEnum' in group)) continue;
    for (const [name, value] of source.anonymousEnum(group.anonymousEnum)) {
      const have = flagValue(name);
      if (have === undefined) missing.push(name);
      else assert.equal(BigInt(have), value, name);
    }
  }
  return missing;
}

test('uapi: the generated enums and flags agree with the running kernel\'s BTF', { skip: hasBtf ? undefined : `${VMLINUX_BTF_PATH} is absent` }, (t) => {
  const source = btfSource(loadVmlinuxBtf());
  const missing = compareSource(source);
  // Generated from this very kernel (CI runs on the developers' machine): every file must be current.
  if (committed('bpf-cmd.ts').includes(`from ${source.describe}.`)) {
    assert.deepEqual(missing, [], 'names of this kernel missing from src/uapi: run scripts/gen-uapi-enums.ts');
    if (hasHeader) {
      for (const [file, text] of generateUapi(machineInputs(() => loadVmlinuxBtf()))) {
        assert.equal(committed(file), text, `src/uapi/${file} is stale: run node --import tsx scripts/gen-uapi-enums.ts`);
      }
    }
  } else if (missing.length > 0) {
    t.diagnostic(`this kernel has names src/uapi lacks (generated on another kernel): ${missing.join(', ')}`);
  }
});

test('uapi: the generated enums, flags and errno agree with the installed headers', { skip: hasHeader ? undefined : `${HEADER} or asm-generic/errno*.h is not installed` }, (t) => {
  const header = readFileSync(HEADER, 'utf8');
  const missing = compareSource(headerSource(header));
  // The header (6.1 here) is older than the kernel the files come from; a newer one may add names.
  if (missing.length > 0) t.diagnostic(`the header has names src/uapi lacks: ${missing.join(', ')}`);
  const define = headerDefines(header, HEADER);
  for (const group of FLAG_GROUPS) {
    if ('defines' in group) for (const name of group.defines) assert.equal(BigInt(flagValue(name)!), define(name), name);
  }
  const errnoText = ERRNO_HEADERS.map((p) => readFileSync(p, 'utf8')).join('\n');
  const errno = headerDefines(errnoText, 'asm-generic/errno.h');
  for (const [name, value] of Object.entries(uapi.Errno)) assert.equal(BigInt(value), errno(name), name);
});

test('uapi: the header parser reads every enum the BTF has, with the same values', { skip: hasHeader && hasBtf ? undefined : 'needs both the header and vmlinux BTF' }, () => {
  const fromHeader = headerSource(readFileSync(HEADER, 'utf8'));
  const fromBtf = btfSource(loadVmlinuxBtf());
  for (const spec of ENUMS) {
    const btf = new Map(fromBtf.namedEnum(spec.cName));
    const header = fromHeader.namedEnum(spec.cName);
    assert.ok(header.length > 1, spec.cName);
    for (const [name, value] of header) if (btf.has(name)) assert.equal(value, btf.get(name), `${spec.cName}: ${name}`);
  }
});

test('uapi: constant expressions of the headers', () => {
  const known = new Map([['BPF_F_INDEX_MASK', 0xffffffffn]]);
  assert.equal(evalConstant('(1U << 31)', known, 'x'), 0x80000000n);
  assert.equal(evalConstant('(0xfffffULL << 32)', known, 'x'), 0xfffff00000000n);
  assert.equal(evalConstant('BPF_F_INDEX_MASK', known, 'x'), 0xffffffffn);
  assert.equal(evalConstant('(-1L)', known, 'x'), -1n);
  assert.equal(evalConstant('1 | 4 << 1', known, 'x'), 9n);
  assert.throws(() => evalConstant('UNKNOWN_NAME', known, 'bpf.h: X'), /bpf\.h: X: cannot evaluate "UNKNOWN_NAME"/);
  assert.throws(() => evalConstant('(1 << 2', known, 'x'), /cannot evaluate/);
  const src = headerSource('enum e {\n\tA = 2,\n\tB,\n\tC = A,\n\tD,\n\t__MAX_E,\n};\nenum {\n\tF_X = (1U << 3),\n\tF_Y,\n#define F_ALL (F_X | F_Y)\n};\n');
  assert.deepEqual(src.namedEnum('e'), [['A', 2n], ['B', 3n], ['C', 2n], ['D', 3n]]);
  assert.deepEqual(src.anonymousEnum('F_Y'), [['F_X', 8n], ['F_Y', 9n]]);
});

test('uapi: every generated file is listed in src/uapi/index.ts', () => {
  const index = committed('index.ts');
  for (const file of readdirSync(UAPI_DIR)) if (file !== 'index.ts') assert.ok(index.includes(`'./${file.replace(/\.ts$/, '.js')}'`), file);
});
