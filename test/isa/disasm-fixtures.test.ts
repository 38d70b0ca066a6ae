// Whole listings of clang-compiled objects (test/fixtures/disasm/*.o, built
// by build.sh from the .c files beside them) and of a hand-written layout
// (layout.s), ours against llvm-objdump-19's, with and without -r and --mcpu=v4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { readElf } from '../../src/elf/index.js';
import { listObject } from '../../src/isa/disasm/index.js';
import { LLVM_MC, lineDiff, llvmMissing, objdump, readBytes, scratch } from './disasm-support.js';

const skip = llvmMissing();
const FIXTURES = join('test', 'fixtures', 'disasm');
const MODES: Array<{ args: string[]; relocations: boolean; alu32: boolean }> = [
  { args: [], relocations: false, alu32: false },
  { args: ['-r'], relocations: true, alu32: false },
  { args: ['--mcpu=v4'], relocations: false, alu32: true },
];

function compareObject(path: string, extraArgs: string[] = [], section?: string): void {
  const elf = readElf(readBytes(path));
  for (const mode of MODES) {
    const theirs = objdump(path, ...mode.args, ...extraArgs);
    const ours = listObject(elf, path, { relocations: mode.relocations, alu32: mode.alu32, sections: section === undefined ? undefined : [section] });
    assert.deepEqual(lineDiff(ours, theirs), [], `${path}: llvm-objdump-19 -d ${[...mode.args, ...extraArgs].join(' ')}`);
  }
}

const objects = readdirSync(FIXTURES).filter((f) => f.endsWith('.o')).sort();

test('the fixture objects are there (packet, arith, legacy, control)', () => {
  for (const name of ['packet.v1.o', 'packet.v4.o', 'arith.v4.o', 'legacy.v1.o', 'control.v4.o']) assert.ok(objects.includes(name), name);
});

for (const name of objects) {
  test(`${name}: whole listing equals llvm-objdump-19's (-d, -dr, --mcpu=v4)`, { skip }, () => {
    compareObject(join(FIXTURES, name));
  });
}

test('-j on code, data, BTF and NOBITS sections equals llvm-objdump-19 -d -j', { skip }, () => {
  const path = join(FIXTURES, 'packet.v4.o');
  for (const section of ['xdp', '.text', '.rodata', '.bss', '.maps', 'license', '.BTF']) {
    compareObject(path, ['-j', section], section);
  }
});

test('layout.s (relocations in zero runs, data symbols, shared addresses, truncated lddw) equals llvm-objdump-19', { skip }, () => {
  const { dir, cleanup } = scratch();
  try {
    const object = join(dir, 'layout.o');
    execFileSync(LLVM_MC, ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', join(FIXTURES, 'layout.s'), '-o', object]);
    compareObject(object);
  } finally {
    cleanup();
  }
});
