import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  readElf, ElfError, SHT_REL, SHT_SYMTAB, SHT_NOBITS, SHF_EXECINSTR, STT_FUNC, STB_GLOBAL, R_BPF_64_64, R_BPF_64_32, EM_BPF,
} from '../../src/elf/index.js';
import { fixtureBytes, fixtureNames, fixturePath } from '../support/fixtures.js';

const readelf = ['llvm-readelf-19', 'llvm-readelf'].find((bin) => spawnSync(bin, ['--version']).status === 0);

test('reads the header, sections, symbols and relocations of a clang object', () => {
  const elf = readElf(fixtureBytes('xdp_firewall'));
  assert.equal(elf.header.machine, EM_BPF);
  assert.equal(elf.header.type, 1);
  assert.equal(elf.sections[0].type, 0);
  const xdp = elf.section('xdp');
  assert.ok(xdp);
  assert.ok((xdp.flags & SHF_EXECINSTR) !== 0);
  assert.equal(xdp.data.length, xdp.size);
  assert.equal(xdp.size % 8, 0);
  const symtab = elf.sections.find((s) => s.type === SHT_SYMTAB);
  assert.ok(symtab);
  assert.equal(elf.symbols.length, symtab.size / 24);
  const prog = elf.symbols.find((s) => s.name === 'xdp_firewall');
  assert.ok(prog);
  assert.equal(prog.type, STT_FUNC);
  assert.equal(prog.bind, STB_GLOBAL);
  assert.equal(prog.sectionIndex, xdp.index);
  const relXdp = elf.relocationSections.find((r) => r.target === xdp.index);
  assert.ok(relXdp);
  assert.equal(relXdp.section.type, SHT_REL);
  const types = new Set(elf.relocationsFor(xdp.index).map((r) => r.type));
  assert.ok(types.has(R_BPF_64_64));
  assert.ok(types.has(R_BPF_64_32), 'the call to count_verdict in .text is relocated');
  for (const r of elf.relocationsFor(xdp.index)) {
    assert.ok(r.offset < xdp.size);
    assert.ok(r.symbol < elf.symbols.length);
  }
});

test('.bss is SHT_NOBITS with no bytes in view', () => {
  const elf = readElf(fixtureBytes('globals'));
  const bss = elf.section('.bss');
  assert.ok(bss);
  assert.equal(bss.type, SHT_NOBITS);
  assert.ok(bss.size > 0);
  assert.equal(bss.data.length, 0);
});

test('every fixture agrees with llvm-readelf on sections and symbols', { skip: readelf === undefined ? 'llvm-readelf not installed' : undefined }, () => {
  for (const name of fixtureNames()) {
    const elf = readElf(fixtureBytes(name));
    const out = spawnSync(readelf as string, ['-S', '--wide', fixturePath(name)], { encoding: 'utf8' }).stdout;
    const names = [...out.matchAll(/^\s*\[\s*(\d+)\]\s+(\S*)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)/gm)]
      .map((m) => ({ index: Number(m[1]), name: m[2] === 'NULL' ? '' : m[2], offset: parseInt(m[5], 16), size: parseInt(m[6], 16) }));
    assert.equal(names.length, elf.sections.length, name);
    for (const s of names.slice(1)) {
      assert.equal(elf.sections[s.index].name, s.name, `${name} section ${s.index}`);
      assert.equal(elf.sections[s.index].offset, s.offset, `${name} ${s.name} offset`);
      assert.equal(elf.sections[s.index].size, s.size, `${name} ${s.name} size`);
    }
    const syms = spawnSync(readelf as string, ['-s', '--wide', fixturePath(name)], { encoding: 'utf8' }).stdout;
    const count = [...syms.matchAll(/^\s*\d+:\s/gm)].length;
    assert.equal(count, elf.symbols.length, `${name} symbol count`);
  }
});

function withByte(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[at] = value;
  return copy;
}

function rejects(bytes: Uint8Array, pattern: RegExp, section?: string | null): ElfError {
  try {
    readElf(bytes);
  } catch (e) {
    assert.ok(e instanceof ElfError, `expected ElfError, got ${String(e)}`);
    assert.match(e.message, pattern);
    if (section !== undefined) assert.equal(e.section, section);
    return e;
  }
  assert.fail(`accepted; expected ${pattern}`);
}

test('refuses what is not ELF64 little-endian, saying where', () => {
  const good = fixtureBytes('xdp_firewall');
  assert.equal(rejects(withByte(good, 0, 0), /bad magic/, null).offset, 0);
  assert.equal(rejects(withByte(good, 4, 1), /ELFCLASS32/, null).offset, 4);
  const be = rejects(withByte(good, 5, 2), /big-endian/, null);
  assert.equal(be.offset, 5);
  rejects(good.subarray(0, 10), /too short/, null);
  rejects(good.subarray(0, 40), /too short for an ELF64 header/, null);
  rejects(good.subarray(0, good.length - 64), /section header table/, null);
});

test('refuses a section that runs past the end of the file, naming it', () => {
  const good = fixtureBytes('xdp_firewall');
  const elf = readElf(good);
  const xdp = elf.section('xdp');
  assert.ok(xdp);
  const copy = new Uint8Array(good);
  const view = new DataView(copy.buffer);
  const at = elf.header.shoff + xdp.index * 64;
  view.setBigUint64(at + 32, BigInt(good.length), true); // sh_size
  const e = rejects(copy, /run past the end/);
  assert.equal(e.section, `#${xdp.index}`);
  assert.equal(e.offset, at + 24);
});

test('refuses a relocation that points outside its section or at a missing symbol', () => {
  const good = fixtureBytes('xdp_firewall');
  const elf = readElf(good);
  const rel = elf.relocationSections.find((r) => r.section.name === '.relxdp');
  assert.ok(rel);
  const copy = new Uint8Array(good);
  const view = new DataView(copy.buffer);
  view.setBigUint64(rel.section.offset, 1n << 40n, true);
  const e = rejects(copy, /outside xdp/, '.relxdp');
  assert.equal(e.offset, rel.section.offset);
  const copy2 = new Uint8Array(good);
  new DataView(copy2.buffer).setUint32(rel.section.offset + 12, 100000, true);
  rejects(copy2, /refers to symbol 100000/, '.relxdp');
});
