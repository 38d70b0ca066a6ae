import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadObjectSpec, parseObjectSpec, readElf, ElfError } from '../../src/elf/index.js';
import { fixturesDir, fixtureBytes } from '../support/fixtures.js';

function refused(input: Uint8Array | string, pattern: RegExp, section?: string | null): ElfError {
  try {
    if (typeof input === 'string') loadObjectSpec(input); else parseObjectSpec(input);
  } catch (e) {
    assert.ok(e instanceof ElfError, `expected ElfError, got ${String(e)}`);
    assert.match(e.message, pattern);
    if (section !== undefined) assert.equal(e.section, section);
    return e;
  }
  assert.fail(`accepted; expected ${pattern}`);
}

const bad = (name: string): string => join(fixturesDir, 'bad', `${name}.o`);

test('map definitions libbpf refuses are refused, naming the map and where it is', () => {
  const sizes = refused(bad('conflicting_sizes'), /map 'sizes': conflicting key size 8 != 4/, '.maps');
  const elf = readElf(readFileSync(bad('conflicting_sizes')));
  assert.equal(sizes.offset, elf.section('.maps')?.offset);
  refused(bad('unknown_map_type'), /map 'strange': unknown map type 999/, '.maps');
  refused(bad('no_map_type'), /map 'untyped': map type isn't specified/, '.maps');
});

test('externs (kfuncs, ksyms, kconfig) are refused clearly', () => {
  refused(bad('extern_kfunc'), /extern symbol 'bpf_rcu_read_lock' .* is not supported/, '.reltc');
});

test('objects that are not eBPF relocatable objects are refused', () => {
  const good = fixtureBytes('xdp_firewall');
  const x86 = new Uint8Array(good);
  new DataView(x86.buffer).setUint16(18, 62, true);
  assert.equal(refused(x86, /not EM_BPF/, null).offset, 18);
  const exec = new Uint8Array(good);
  new DataView(exec.buffer).setUint16(16, 2, true);
  refused(exec, /not ET_REL/, null);
  refused('/nonexistent/object.o', /cannot read/);
});

test('a relocation on an instruction that is neither lddw nor call is refused', () => {
  const good = fixtureBytes('xdp_firewall');
  const elf = readElf(good);
  const rel = elf.relocationSections.find((r) => r.section.name === '.relxdp');
  assert.ok(rel);
  const copy = new Uint8Array(good);
  // Point the first relocation at instruction 0 (a load from the context).
  new DataView(copy.buffer).setBigUint64(rel.section.offset, 0n, true);
  const e = refused(copy, /insn 0 of xdp: relocation against .* opcode 0x61/, '.relxdp');
  assert.equal(e.offset, rel.section.offset);
});

test('a call into the middle of a function is refused', () => {
  const good = fixtureBytes('xdp_firewall');
  const elf = readElf(good);
  const xdp = elf.section('xdp');
  assert.ok(xdp);
  const copy = new Uint8Array(good);
  const rel = elf.relocationsFor(xdp.index).find((r) => r.type === 10);
  assert.ok(rel);
  // Shift the call's immediate by one instruction.
  const at = xdp.offset + rel.offset + 4;
  new DataView(copy.buffer).setInt32(at, new DataView(copy.buffer).getInt32(at, true) + 1, true);
  refused(copy, /call at insn \d+ targets slot 1 of \.text, which is not the start of a function/, 'xdp');
});
