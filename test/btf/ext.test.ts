import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Btf, BtfError, parseBtfExt } from '../../src/btf/index.js';
import { readElf } from '../../src/elf/index.js';
import { fixtureBytes } from '../support/fixtures.js';

const sections = (name: string): { btf: Btf; ext: Uint8Array } => {
  const elf = readElf(fixtureBytes(name));
  return { btf: new Btf(elf.section('.BTF')!.data), ext: new Uint8Array(elf.section('.BTF.ext')!.data) };
};

test('func_info, line_info and core_relo records per section', () => {
  const { btf, ext } = sections('core_read');
  const parsed = parseBtfExt(ext, btf);
  assert.deepEqual([...parsed.funcInfo.keys()].sort(), ['raw_tp/netif_receive_skb', 'raw_tp/sys_enter', 'xdp']);
  const funcs = parsed.funcInfo.get('raw_tp/sys_enter') ?? [];
  assert.deepEqual(funcs.map((f) => [f.insnOff, btf.type(f.typeId).name]), [[0, 'read_task']]);
  const lines = parsed.lineInfo.get('xdp') ?? [];
  assert.ok(lines.length > 0 && lines.every((l) => l.insnOff % 8 === 0 && /core_read\.c$/.test(l.fileName)));
  assert.ok(lines.some((l) => /data \+ 60 <= data_end/.test(l.lineText)));
  const relos = parsed.coreRelos.get('raw_tp/sys_enter') ?? [];
  assert.equal(relos.length, 8);
  assert.deepEqual(relos.map((r) => r.kind), [0, 0, 0, 0, 2, 9, 8, 11]);
  assert.equal(btf.type(relos[0].typeId).name, 'task_struct');
  assert.equal(relos[0].accessString, '0:0');
});

test('counts larger than the block are refused before reading', () => {
  const { btf, ext } = sections('xdp_firewall');
  const view = new DataView(ext.buffer, ext.byteOffset, ext.byteLength);
  const hdrLen = view.getUint32(4, true);
  const funcOff = view.getUint32(8, true);
  const copy = new Uint8Array(ext);
  // num_info of the first section of func_info (after rec_size and sec_name_off).
  new DataView(copy.buffer).setUint32(hdrLen + funcOff + 8, 0x7fffffff, true);
  assert.throws(() => parseBtfExt(copy, btf), (e: unknown) => e instanceof BtfError && /claims 2147483647 records/.test(e.message) && e.section === '.BTF.ext');
  const small = new Uint8Array(ext);
  new DataView(small.buffer).setUint32(hdrLen + funcOff, 4, true);
  assert.throws(() => parseBtfExt(small, btf), /record size 4 is invalid/);
  assert.throws(() => parseBtfExt(ext.subarray(0, 10), btf), /too short/);
});
