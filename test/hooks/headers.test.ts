import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Btf } from '../../src/btf/btf.js';
import type { BtfType } from '../../src/btf/types.js';
import { readElf } from '../../src/elf/index.js';
import { HOOK_HEADERS, headerText, hookContextBtf } from '../../src/hooks/headers.js';

const root = join(import.meta.dirname, '..', '..');
const clang = spawnSync('clang-19', ['--version']).status === 0 ? 'clang-19' : null;
const multiarch = (() => { try { return execFileSync('gcc', ['-print-multiarch']).toString().trim(); } catch { return 'x86_64-linux-gnu'; } })();

test('the committed headers are what the context descriptions generate', () => {
  for (const h of HOOK_HEADERS) {
    const committed = readFileSync(join(root, 'include', 'tsbpf', h.file), 'utf8');
    assert.equal(committed, headerText(h.file), `include/tsbpf/${h.file} is stale: run node --import tsx scripts/gen-hook-headers.ts`);
  }
});

/** Members of a struct as [name, bit offset, size of the member's type]. */
function shape(btf: Btf, t: BtfType): Array<[string, number, number]> {
  assert.ok(t.kind === 'struct');
  return t.members.map((m) => [m.name, m.bitOffset, btf.sizeOf(m.type)]);
}

test('clang compiles programs against the headers, and its BTF matches tsbpf\'s', { skip: clang ? undefined : 'clang-19 is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-headers-'));
  try {
    const ours = hookContextBtf();
    const structs = HOOK_HEADERS.flatMap((h) => h.structs.map((s) => s.name));
    const src = [
      ...HOOK_HEADERS.map((h) => `#include <tsbpf/${h.file}>`),
      ...structs.map((s, i) => `struct ${s} v${i} __attribute__((section(".data"))) = {};`),
      'char _license[] __attribute__((section("license"))) = "GPL";',
    ].join('\n');
    writeFileSync(join(dir, 'all.c'), src);
    execFileSync(clang!, ['-O2', '-g', '-target', 'bpf', '-I', join(root, 'include'), '-I', `/usr/include/${multiarch}`,
      '-c', join(dir, 'all.c'), '-o', join(dir, 'all.o')]);
    const elf = readElf(new Uint8Array(readFileSync(join(dir, 'all.o'))));
    const section = elf.section('.BTF');
    assert.ok(section);
    const theirs = new Btf(section.data);
    for (const name of structs) {
      const a = theirs.find(name, 'struct');
      const b = ours.find(name, 'struct');
      assert.ok(a && b, name);
      assert.equal(a.size, b.size, `${name} size`);
      assert.deepEqual(shape(ours, b), shape(theirs, a), name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
