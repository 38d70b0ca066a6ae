import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Btf, BtfError, loadVmlinuxBtf, VMLINUX_BTF_PATH, BTF_KIND_NAMES, type BtfType } from '../../src/btf/index.js';
import { loadObjectSpec } from '../../src/elf/index.js';
import { BtfBuilder } from '../support/btf-builder.js';
import { fixturePath } from '../support/fixtures.js';

function refuses(bytes: Uint8Array, pattern: RegExp): BtfError {
  try {
    new Btf(bytes);
  } catch (e) {
    assert.ok(e instanceof BtfError, `expected BtfError, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.equal(e.section, '.BTF');
    return e;
  }
  assert.fail(`accepted; expected ${pattern}`);
}

test('parses every BTF kind that clang emits for the btf_values fixture', () => {
  const spec = loadObjectSpec(fixturePath('btf_values'));
  const btf = spec.btf;
  assert.ok(btf);
  const kinds = new Set([...btf.all()].map((t) => t.kind));
  for (const kind of BTF_KIND_NAMES.slice(1)) assert.ok(kinds.has(kind), `kind ${kind}`);
  const record = btf.find('record', 'struct');
  assert.ok(record);
  assert.equal(btf.sizeOf(record.id), 176);
  const flags = record.members.find((m) => m.name === 'flags');
  assert.deepEqual([flags?.bitOffset, flags?.bitfieldSize], [96, 3]);
  const wide = btf.find('wide', 'enum64');
  assert.deepEqual(wide?.values.map((v) => [v.name, v.value]), [['NARROW', 1n], ['WIDE', 0x1ffffffffn]]);
  const color = btf.find('color', 'enum');
  assert.equal(color?.signed, true);
  assert.deepEqual(color?.values.map((v) => v.value), [1, 2, -3]);
  const tag = [...btf.all()].find((t) => t.kind === 'decl_tag' && t.name === 'record_tag');
  assert.ok(tag?.kind === 'decl_tag');
  assert.equal(tag.type, record.id);
  assert.equal(tag.componentIdx, -1);
  const typeTag = [...btf.all()].find((t) => t.kind === 'type_tag');
  assert.equal(typeTag?.name, 'user');
  assert.equal(btf.find('opaque', 'fwd')?.union, false);
  const float = btf.find('double', 'float');
  assert.equal(float?.size, 8);
  const int128 = btf.find('__int128', 'int');
  assert.deepEqual([int128?.size, int128?.signed], [16, true]);
  const func = btf.find('touch_maps', 'func');
  assert.ok(func);
  const proto = btf.type(func.type);
  assert.equal(proto.kind, 'func_proto');
  assert.equal(proto.kind === 'func_proto' && proto.params[0].name, 'ctx');
  const data = btf.find('.data', 'datasec');
  assert.equal(data?.size, 10, 'DATASEC size fixed up from the ELF section');
  assert.deepEqual(data?.vars.map((v) => [v.offset, v.size]), [[0, 4], [4, 6]]);
});

test('resolve skips typedefs and qualifiers; sizeOf follows arrays', () => {
  const b = new BtfBuilder();
  const int = b.int('int', 4, true);
  const td = b.typedef('myint', int);
  const cv = b.modifier('const', td);
  const vol = b.modifier('volatile', cv);
  const arr = b.array(vol, int, 5);
  const arr2 = b.array(arr, int, 3);
  const btf = new Btf(b.build());
  assert.equal(btf.resolve(vol).id, int);
  assert.equal(btf.skipQualifiers(vol).id, td);
  assert.equal(btf.sizeOf(arr2), 60);
  assert.equal(btf.sizeOrUnsized(0), -1);
  assert.throws(() => btf.sizeOf(0), BtfError);
  assert.throws(() => btf.type(99), /does not exist/);
});

test('refuses bad headers with the offset of the bad field', () => {
  const good = new BtfBuilder();
  good.int('int', 4, true);
  const bytes = good.build();
  const bad = (at: number, value: number): Uint8Array => { const c = new Uint8Array(bytes); c[at] = value; return c; };
  assert.equal(refuses(bad(0, 0), /bad magic/).offset, 0);
  const be = new Uint8Array(bytes); be[0] = 0xeb; be[1] = 0x9f;
  refuses(be, /big-endian/);
  assert.equal(refuses(bad(2, 2), /unsupported version/).offset, 2);
  assert.equal(refuses(bad(4, 200), /header length/).offset, 4);
  assert.equal(refuses(bad(12, 0xff), /type section/).offset, 8);
  refuses(bytes.subarray(0, 10), /too short/);
  refuses(bytes.subarray(0, bytes.length - 1), /string section .* runs past the end/);
});

test('refuses unknown kinds, dangling references and bad names', () => {
  const unknown = new BtfBuilder();
  unknown.raw('x', 25, 0, false, 0);
  refuses(unknown.build(), /unknown kind 25/);
  const dangling = new BtfBuilder();
  dangling.ptr(7);
  refuses(dangling.build(), /refers to type 7, which does not exist/);
  const voidMember = new BtfBuilder();
  voidMember.struct('s', 4, [['a', 0, 0]]);
  refuses(voidMember.build(), /void where a type is required/);
  const badName = new BtfBuilder();
  badName.raw('', 1, 0, false, 4, [32]);
  const blob = badName.build();
  new DataView(blob.buffer).setUint32(24, 9999, true);
  refuses(blob, /name offset 9999 is outside/);
  const badInt = new BtfBuilder();
  badInt.int('odd', 3, false, 24);
  refuses(badInt.build(), /invalid size 3/);
});

test('refuses loops of typedefs, modifiers and arrays', () => {
  const b = new BtfBuilder();
  b.typedef('a', 2);
  b.modifier('const', 1);
  refuses(b.build(), /loop/);
  const arr = new BtfBuilder();
  arr.int('int', 4);
  arr.array(2, 1, 4);
  refuses(arr.build(), /loop/);
  const self = new BtfBuilder();
  self.typedef('self', 1);
  refuses(self.build(), /loop/);
  // Pointers may point back (linked lists); that is not a loop.
  const list = new BtfBuilder();
  const node = list.struct('node', 8, [['next', 2, 0]]);
  list.ptr(node);
  assert.equal(new Btf(list.build()).sizeOf(node), 8);
});

test('refuses huge counts before reading them', () => {
  const members = new BtfBuilder();
  members.raw('s', 4, 0xffff, false, 8);
  assert.match(refuses(members.build(), /65535 members .* runs past/).message, /65535/);
  const huge = new BtfBuilder();
  huge.int('int', 4);
  huge.array(1, 1, 0xffffffff);
  refuses(huge.build(), /larger than 4 GiB/);
  const t0 = performance.now();
  const chain = new BtfBuilder();
  chain.int('int', 4);
  for (let i = 0; i < 20000; i++) chain.typedef(`t${i}`, i + 1);
  const btf = new Btf(chain.build());
  assert.equal(btf.sizeOf(20001), 4);
  assert.ok(performance.now() - t0 < 2000, 'a long typedef chain resolves in linear time');
});

test('split BTF resolves ids and names through its base', () => {
  const base = new BtfBuilder();
  base.int('int', 4, true);
  const baseBtf = new Btf(base.build());
  const split = new BtfBuilder();
  // In split BTF the first own id is the base's count and strings continue after the base's.
  split.raw('', 2, 0, false, 1); // ptr to base int
  const blob = split.build();
  const btf = new Btf(blob, { base: baseBtf, section: 'module' });
  assert.equal(btf.typeCount, 3);
  const ptr = btf.type(2) as Extract<BtfType, { kind: 'ptr' }>;
  assert.equal(ptr.kind, 'ptr');
  assert.equal(btf.type(ptr.type).name, 'int');
});

test('reads the kernel BTF', { skip: existsSync(VMLINUX_BTF_PATH) ? undefined : `${VMLINUX_BTF_PATH} not present` }, () => {
  const vmlinux = loadVmlinuxBtf();
  assert.ok(vmlinux.typeCount > 10000);
  const xdp = vmlinux.find('xdp_md', 'struct');
  assert.ok(xdp);
  assert.deepEqual(xdp.members.slice(0, 2).map((m) => [m.name, m.bitOffset]), [['data', 0], ['data_end', 32]]);
  assert.equal(vmlinux.sizeOf(xdp.id), 24);
  assert.equal(vmlinux.find('bpf_map_type', 'enum')?.values.find((v) => v.name === 'BPF_MAP_TYPE_RINGBUF')?.value, 27);
  assert.equal(loadVmlinuxBtf(), vmlinux, 'parsed once');
});
