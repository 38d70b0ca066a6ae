import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import {
  Btf, CoreRelocationError, CORE_POISON_HELPER, loadVmlinuxBtf, VMLINUX_BTF_PATH, applyCoreRelocations, type CoreRelocationOutcome,
} from '../../src/btf/index.js';
import { loadObjectSpec, applyObjectCoreRelocations, type ObjectSpec } from '../../src/elf/index.js';
import { BPF_DW, BPF_JMP, BPF_CALL, opSize } from '../../src/isa/opcodes.js';
import { BtfBuilder } from '../support/btf-builder.js';
import { fixturePath } from '../support/fixtures.js';

const load = (): ObjectSpec => loadObjectSpec(fixturePath('core_read'));
const byInsn = (outcomes: CoreRelocationOutcome[]): Record<number, string> =>
  Object.fromEntries(outcomes.map((o) => [o.insn, `${o.kind}=${o.poisoned ? 'poison' : o.targetValue}`]));

/** A kernel that lays task_struct, sk_buff and xdp_md out differently from the program's local view. */
function syntheticKernel(options: { withComm?: boolean; xdpData64?: boolean; secondFlavor?: boolean } = {}): Btf {
  const b = new BtfBuilder();
  const int = b.int('int', 4, true);
  const u8 = b.int('unsigned char', 1);
  const u32 = b.int('unsigned int', 4);
  const u64 = b.int('unsigned long long', 8);
  const char = b.int('char', 1, true);
  const comm = b.array(char, int, 16);
  const taskPtr = b.ptr(8); // the struct declared next
  const members: Array<[string, number, number, number?]> = [
    ['__state', u32, 0], ['tgid', int, 800], ['pid', int, 832], ['real_parent', taskPtr, 896],
  ];
  if (options.withComm !== false) members.push(['comm', comm, 1024]);
  b.struct('task_struct', 200, members);
  // sk_buff: len at 8; cloned a 1-bit field at bit 100; pkt_type inside an anonymous struct in an anonymous union.
  const inner = b.struct('', 1, [['pkt_type', u8, 2, 3]]);
  const union = b.struct('', 1, [['', inner, 0], ['raw', u8, 0]], true);
  b.struct('sk_buff', 32, [['len', u32, 64], ['cloned', u8, 100, 1], ['', union, 120]]);
  b.struct('xdp_md', 24, options.xdpData64
    ? [['data', u64, 0], ['data_end', u32, 64]]
    : [['data', u32, 0], ['data_end', u32, 32]]);
  b.enum('bpf_map_type', 4, [['BPF_MAP_TYPE_RINGBUF', 99]]);
  if (options.secondFlavor) b.struct('task_struct___v2', 64, [['pid', int, 64], ['tgid', int, 96]]);
  return new Btf(b.build(), { section: 'synthetic' });
}

test('CO-RE against a synthetic kernel: offsets, sizes, existence, enum values, bitfields', () => {
  const spec = load();
  const outcomes = applyObjectCoreRelocations(spec, syntheticKernel());
  assert.deepEqual(byInsn(outcomes.get('read_task') ?? []), {
    11: 'byte_off=104', 20: 'byte_off=100', 29: 'byte_off=112', 44: 'byte_off=128',
    51: 'field_exists=0', 53: 'type_size=200', 55: 'type_exists=0', 57: 'enumval_value=99',
  });
  // cloned: bit 100 of a u8 -> byte 12, 1 bit at bit 4 of that byte; pkt_type: bit 122, 3 bits -> byte 15 bits 2..4.
  assert.deepEqual(byInsn(outcomes.get('read_skb') ?? []), {
    10: 'byte_off=8', 21: 'byte_off=12', 26: 'byte_sz=1', 29: 'lshift_u64=59', 30: 'signed=0', 32: 'rshift_u64=63',
    34: 'rshift_u64=63', 38: 'byte_off=15', 42: 'byte_sz=1', 46: 'lshift_u64=59', 47: 'signed=0', 49: 'rshift_u64=61',
    51: 'rshift_u64=61',
  });
  const frame = spec.programs.find((p) => p.name === 'frame_len');
  assert.ok(frame);
  // The local struct declares data_end first; after relocation the loads use the kernel's offsets.
  const offs = frame.coreRelos.map((r) => frame.insns[r.insn].off);
  const access = frame.coreRelos.map((r) => r.accessString);
  assert.deepEqual(access.map((a, i) => [a, offs[i]]).sort(), [['0:0', 4], ['0:1', 0]]);
  const task = spec.programs.find((p) => p.name === 'read_task');
  assert.equal(task?.insns[11].imm, 104, 'the ALU immediate was patched');
  assert.equal(task?.insns[57].imm, 99, 'the lddw immediate was patched');
});

test('relocating against types laid out like the local ones leaves the instructions as clang wrote them', () => {
  const spec = load();
  const p = spec.programs.find((x) => x.name === 'read_skb');
  assert.ok(p && spec.btf);
  const before = p.insns.map((x) => ({ ...x }));
  // The object's own BTF has exactly one sk_buff: the local definition.
  const outcomes = applyCoreRelocations(p.insns, p.coreRelos, spec.btf, spec.btf, p.name);
  assert.equal(outcomes.length, 13);
  assert.ok(outcomes.every((o) => !o.poisoned && o.targetTypeId === p.coreRelos[0].typeId));
  // Clang sizes bitfield loads its own way (4 bytes here); libbpf and tsbpf compute the byte size (1).
  const changed = p.insns.map((x, i) => (JSON.stringify(x) === JSON.stringify(before[i]) ? null : i)).filter((i) => i !== null);
  assert.deepEqual(changed, [26, 42]);
  assert.deepEqual([p.insns[26].imm, p.insns[42].imm], [1, 1]);
});

test('a field the target lacks poisons the instruction, as libbpf does', () => {
  const spec = load();
  const outcomes = applyObjectCoreRelocations(spec, syntheticKernel({ withComm: false }));
  const comm = outcomes.get('read_task')?.find((o) => o.insn === 44);
  assert.equal(comm?.poisoned, true);
  const insn = spec.programs.find((p) => p.name === 'read_task')?.insns[44];
  assert.deepEqual(insn, { opcode: BPF_JMP | BPF_CALL, dst: 0, src: 0, off: 0, imm: CORE_POISON_HELPER });
});

test('a wider unsigned field widens the load; candidates that disagree are an error', () => {
  const spec = load();
  applyObjectCoreRelocations(spec, syntheticKernel({ xdpData64: true }));
  const frame = spec.programs.find((p) => p.name === 'frame_len');
  const dataLoad = frame?.coreRelos.find((r) => r.accessString === '0:1');
  assert.ok(frame && dataLoad);
  assert.equal(opSize(frame.insns[dataLoad.insn].opcode), BPF_DW);
  assert.equal(frame.insns[dataLoad.insn].off, 0);
  const ambiguous = load();
  assert.throws(() => applyObjectCoreRelocations(ambiguous, syntheticKernel({ secondFlavor: true })),
    (e: unknown) => e instanceof CoreRelocationError && /disagree/.test(e.message) && e.program === 'read_task');
});

test('bad access strings and instructions that do not hold the local value are refused', () => {
  const spec = load();
  const p = spec.programs.find((x) => x.name === 'read_task');
  assert.ok(p && spec.btf);
  const target = syntheticKernel();
  const relo = p.coreRelos[0];
  assert.throws(() => applyCoreRelocations(p.insns, [{ ...relo, accessString: '0:99' }], spec.btf!, target, p.name),
    (e: unknown) => e instanceof CoreRelocationError && /member index 99/.test(e.message));
  assert.throws(() => applyCoreRelocations(p.insns, [{ ...relo, accessString: 'x' }], spec.btf!, target, p.name), CoreRelocationError);
  const insns = p.insns.map((x) => ({ ...x }));
  insns[relo.insn].imm = 5;
  assert.throws(() => applyCoreRelocations(insns, [relo], spec.btf!, target, p.name), /unexpected imm 5/);
  assert.throws(() => applyCoreRelocations(insns, [{ ...relo, insn: 10000 }], spec.btf!, target, p.name), /outside the program/);
});

const bpftool = spawnSync('bpftool', ['version']).status === 0 && existsSync('/sys/fs/bpf') && existsSync(VMLINUX_BTF_PATH);

test('CO-RE against vmlinux gives the values libbpf patches in (bpftool -d prog loadall)', { skip: bpftool ? undefined : 'needs bpftool, bpffs and kernel BTF' }, () => {
  const dir = mkdtempSync('/sys/fs/bpf/tsbpf-core-');
  let log: string;
  try {
    const run = spawnSync('bpftool', ['-d', 'prog', 'loadall', fixturePath('core_read'), `${dir}/p`], { encoding: 'utf8' });
    if (run.status !== 0) return; // libbpf or the kernel refused: nothing to compare (kernel-load tests report loading)
    log = run.stderr + run.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const expected = new Map<string, number | bigint>();
  for (const m of log.matchAll(/prog '(\w+)': relo #\d+: patched insn #(\d+) \([^)]*\) (?:imm|off|imm64) (-?\d+) -> (-?\d+)/g)) {
    expected.set(`${m[1]}#${m[2]}`, BigInt(m[4]));
  }
  assert.ok(expected.size >= 20, `libbpf patched ${expected.size} instructions`);
  const spec = load();
  const outcomes = applyObjectCoreRelocations(spec, loadVmlinuxBtf());
  const ours = new Map<string, number | bigint>();
  for (const [prog, list] of outcomes) for (const o of list) if (!o.poisoned) ours.set(`${prog}#${o.insn}`, o.targetValue as bigint);
  assert.deepEqual(ours, expected);
});
