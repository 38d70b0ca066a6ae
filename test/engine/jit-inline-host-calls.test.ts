// The JIT's host-call fast paths (bpf_map_update_elem, bpf_map_delete_elem,
// lookups of lpm_trie, bpf_ringbuf_reserve/submit/discard/output) against
// the interpreter, the reference: two VMs built alike (same arena layout, so
// the same pointers), the same random operations in the same order, and the
// same r0 (or error) after each, the same map contents and ring records.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { newHelperContext, type HelperFn } from '../../src/engine/abi.js';
import type { Executable } from '../../src/engine/executable.js';
import { createInterpreter } from '../../src/engine/interpreter/index.js';
import { createJit, mapInliners } from '../../src/engine/jit/index.js';
import { HELPER_TABLE } from '../../src/helpers/table.js';
import { BPF_FUNC } from '../../src/helpers/ids.js';
import { ldImm64, type Instruction } from '../../src/isa/instruction.js';
import type { BpfMap } from '../../src/maps/bpf-map.js';
import { createMap } from '../../src/maps/create-map.js';
import type { MapDefinition } from '../../src/maps/definition.js';
import { mapRegistry } from '../../src/maps/registry.js';
import type { RingBufMap } from '../../src/maps/ringbuf-map.js';
import { Arena } from '../../src/memory/arena.js';

const CPUS = 2;
/** Property runs (TSBPF_INLINE_SCALE multiplies them: scripts/fuzz-jit-inline.ts). */
const SCALE = Number(process.env.TSBPF_INLINE_SCALE ?? 1);
const MEM = 64;
const insn = (opcode: number, dst: number, src: number, off: number, imm: number): Instruction => ({ opcode, dst, src, off, imm });
const mov = (dst: number, src: number) => insn(0xbf, dst, src, 0, 0);
const movImm = (dst: number, imm: number) => insn(0xb7, dst, 0, 0, imm);
const addImm = (dst: number, imm: number) => insn(0x07, dst, 0, 0, imm);
const ldxDw = (dst: number, src: number, off: number) => insn(0x79, dst, src, off, 0);
const ldxB = (dst: number, src: number, off: number) => insn(0x71, dst, src, off, 0);
const stxDw = (dst: number, off: number, src: number) => insn(0x7b, dst, src, off, 0);
const call = (id: number) => insn(0x85, 0, 0, 0, id);
const exit = () => insn(0x95, 0, 0, 0, 0);

/** Memory the programs read: key at 0, value at 32, flags (u64) at 56. */
const KEY = 0;
const VALUE = 32;
const FLAGS = 56;

type Op = 'lookup' | 'update' | 'delete';

function mapProgram(map: BpfMap, op: Op): Instruction[] {
  const body: Instruction[] = [mov(6, 1), mov(2, 6), addImm(2, KEY)];
  if (op === 'update') body.push(mov(3, 6), addImm(3, VALUE), ldxDw(4, 6, FLAGS));
  body.push(...ldImm64(1, map.pointer), call(op === 'lookup' ? BPF_FUNC.map_lookup_elem : op === 'update' ? BPF_FUNC.map_update_elem : BPF_FUNC.map_delete_elem), exit());
  return body;
}

/**
 * reserve 16 bytes; store mem[0..8) into it, and mem[32..40) through bpf_probe_read_kernel (a helper
 * writing the record), then read the record back into mem[48..56) the same way (a helper reading it);
 * submit or discard (mem[16] != 0) with flags mem[8]; r0 = the record or NULL.
 */
function ringProgram(ring: BpfMap, reserveFlags: number, size = 16): Instruction[] {
  return [
    mov(6, 1), ...ldImm64(1, ring.pointer), movImm(2, size), movImm(3, reserveFlags), call(BPF_FUNC.ringbuf_reserve),
    insn(0x15, 0, 0, 20, 0), // if r0 == 0 goto exit
    mov(7, 0), ldxDw(1, 6, 0), stxDw(7, 0, 1),
    mov(1, 7), addImm(1, 8), movImm(2, 8), mov(3, 6), addImm(3, 32), call(BPF_FUNC.probe_read_kernel),
    mov(1, 6), addImm(1, 48), movImm(2, 8), mov(3, 7), call(BPF_FUNC.probe_read_kernel),
    mov(1, 7), ldxDw(2, 6, 8), ldxB(3, 6, 16),
    insn(0x55, 3, 0, 2, 0), // if r3 != 0 goto discard
    call(BPF_FUNC.ringbuf_submit), insn(0x05, 0, 0, 1, 0),
    call(BPF_FUNC.ringbuf_discard),
    mov(0, 7), exit(),
  ];
}

/** bpf_ringbuf_output(ring, mem, mem[24] & 31, mem[8]). */
function outputProgram(ring: BpfMap): Instruction[] {
  return [mov(6, 1), mov(2, 6), ldxB(3, 6, 24), insn(0x57, 3, 0, 0, 31), ldxDw(4, 6, 8), ...ldImm64(1, ring.pointer), call(BPF_FUNC.ringbuf_output), exit()];
}

interface Vm {
  readonly arena: Arena;
  readonly maps: BpfMap[];
  readonly mem: number;
  /** Consumer wake-ups the ring sent. */
  wakeUps: number;
  run(insnsKey: string, cpu: number): string;
  /** Helper calls made (the JIT's fast paths make none). */
  calls: number;
}

const DEFS: MapDefinition[] = [
  { type: 'hash', keySize: 6, valueSize: 12, maxEntries: 8, name: 'hash' },
  { type: 'lru_hash', keySize: 4, valueSize: 8, maxEntries: 4, name: 'lru' },
  { type: 'percpu_hash', keySize: 3, valueSize: 8, maxEntries: 6, name: 'percpu' },
  { type: 'array', keySize: 4, valueSize: 16, maxEntries: 5, name: 'array' },
  { type: 'percpu_array', keySize: 4, valueSize: 8, maxEntries: 3, name: 'pcpu_array' },
  { type: 'lpm_trie', keySize: 8, valueSize: 8, maxEntries: 16, flags: 1, name: 'lpm' },
  { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 8, flags: 1, name: 'noprealloc' },
  { type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096, name: 'ring' },
];

function newVm(jit: boolean): Vm {
  const arena = new Arena();
  const registry = mapRegistry(arena);
  registry.nCpus = CPUS;
  const maps = DEFS.map((d) => createMap(arena, d));
  const mem = arena.alloc(MEM);
  arena.addRegion(mem, MEM, 'mem', 'memory');
  const vm: Vm = {
    arena, maps, mem, calls: 0, wakeUps: 0,
    run: (key, cpu) => {
      const exe = programs.get(key) as Executable;
      const env = Object.assign(newHelperContext(arena), { cpu });
      let r0: string;
      try {
        r0 = `0x${BigInt.asUintN(64, exe.run([arena.pointer(mem)], env)).toString(16)}`;
      } catch (err) {
        r0 = `${(err as Error).constructor.name}: ${(err as Error).message}`;
      }
      return `${r0} mem ${Buffer.from(arena.bytes.subarray(mem, mem + MEM)).toString('hex')}`;
    },
  };
  (maps[maps.length - 1] as RingBufMap).onWakeup(() => vm.wakeUps++);
  const counting = new Map([...HELPER_TABLE].map(([id, fn]) => [id, ((env, ...args) => { vm.calls++; return fn(env, ...args); }) as HelperFn]));
  const inliners = mapInliners(registry);
  // Both engines are built in both VMs, so that their stacks take the same arena space and maps
  // that allocate as they go (lpm_trie, BPF_F_NO_PREALLOC) give the same pointers in both.
  const build = (insns: Instruction[]): Executable => {
    const compiled = createJit({ insns }, { arena, helpers: counting, checked: false, inliners });
    const interpreted = createInterpreter({ insns }, { arena, helpers: HELPER_TABLE });
    return jit ? compiled : interpreted;
  };
  const programs = new Map<string, Executable>();
  const ring = maps[maps.length - 1];
  maps.slice(0, -1).forEach((m, i) => (['lookup', 'update', 'delete'] as const).forEach((op) => programs.set(`${i}:${op}`, build(mapProgram(m, op)))));
  programs.set('ring:0', build(ringProgram(ring, 0)));
  programs.set('ring:1', build(ringProgram(ring, 1)));
  programs.set('ring:big', build(ringProgram(ring, 0, 300)));
  programs.set('output', build(outputProgram(ring)));
  return vm;
}

const opArb = fc.record({
  program: fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.integer({ min: 0, max: DEFS.length - 2 }), fc.constantFrom('lookup', 'update', 'update', 'delete')).map(([i, op]) => `${i}:${op}`) },
    { weight: 2, arbitrary: fc.constantFrom('ring:0', 'ring:0', 'ring:1', 'output') },
  ),
  // small key alphabet: the same keys come back
  key: fc.uint8Array({ minLength: 8, maxLength: 8 }).map((k) => k.map((b) => b & 3)),
  prefix: fc.integer({ min: 0, max: 40 }),
  value: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  flags: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(0n, 0n, 1n, 2n) }, { weight: 1, arbitrary: fc.constantFrom(3n, 4n, 1n << 32n, (1n << 64n) - 1n, 8n) }),
  discard: fc.boolean(),
  size: fc.integer({ min: 0, max: 40 }),
  cpu: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: CPUS - 1 }) }, { weight: 1, arbitrary: fc.constant(CPUS) }),
  drain: fc.integer({ min: 0, max: 9 }),
});

const LPM = DEFS.findIndex((d) => d.type === 'lpm_trie');

function writeMemory(vm: Vm, op: typeof opArb extends fc.Arbitrary<infer T> ? T : never): void {
  const b = vm.arena.bytes;
  const v = vm.arena.view;
  b.fill(0, vm.mem, vm.mem + MEM);
  b.set(op.key, vm.mem + KEY);
  // lpm_trie keys start with their prefix length
  if (op.program.startsWith(`${LPM}:`)) v.setUint32(vm.mem + KEY, op.prefix, true);
  b.set(op.value, vm.mem + VALUE);
  v.setBigUint64(vm.mem + FLAGS, op.flags, true);
  v.setBigUint64(vm.mem + 8, op.flags, true);
  b[vm.mem + 16] = op.discard ? 1 : 0;
  b[vm.mem + 24] = op.size;
}

test('host-call fast paths = interpreter: map update/delete/lookup (lpm_trie too) and ring buffer records, over random operation sequences', () => {
  fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 100 }), (ops) => {
    const interp = newVm(false);
    const jit = newVm(true);
    ops.forEach((op, step) => {
      const results = [interp, jit].map((vm) => {
        writeMemory(vm, op);
        return vm.run(op.program, op.cpu);
      });
      assert.equal(results[1], results[0], `step ${step}: ${op.program} cpu ${op.cpu}`);
      if (op.drain === 0) {
        const [a, b] = [interp, jit].map((vm) => (vm.maps[vm.maps.length - 1] as RingBufMap).drain());
        assert.deepEqual(b, a, `step ${step}: ring records`);
      }
    });
    interp.maps.forEach((m, i) => {
      if (m.type === 'ringbuf') return;
      assert.deepEqual(jit.maps[i].entries(), m.entries(), `map ${m.name}`);
    });
    assert.deepEqual((jit.maps[jit.maps.length - 1] as RingBufMap).drain(), (interp.maps[interp.maps.length - 1] as RingBufMap).drain());
    assert.equal(jit.wakeUps, interp.wakeUps, 'ring wake-ups');
    // Every call went around the helpers (bpf_probe_read_kernel too), except runs on a CPU the per-CPU maps lack.
    if (ops.every((op) => op.cpu < CPUS)) assert.equal(jit.calls, 0, `${jit.calls} helper calls`);
  }), { numRuns: 50 * SCALE });
});

test('ring buffer fast path = interpreter over long runs: wrap-around through the mirror, full rings, pending records', () => {
  const ringOp = fc.record({
    program: fc.constantFrom('ring:0', 'ring:big', 'ring:big', 'output'),
    key: fc.constant(new Uint8Array(8)),
    prefix: fc.constant(0),
    value: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    flags: fc.constantFrom(0n, 1n, 2n),
    discard: fc.boolean(),
    size: fc.integer({ min: 0, max: 40 }),
    cpu: fc.constant(0),
    drain: fc.integer({ min: 0, max: 5 }),
  });
  fc.assert(fc.property(fc.array(ringOp, { minLength: 50, maxLength: 300 }), (ops) => {
    const interp = newVm(false);
    const jit = newVm(true);
    const ring = (vm: Vm): RingBufMap => vm.maps[vm.maps.length - 1] as RingBufMap;
    ops.forEach((op, step) => {
      const results = [interp, jit].map((vm) => {
        writeMemory(vm, op);
        return vm.run(op.program, 0);
      });
      assert.equal(results[1], results[0], `step ${step}: ${op.program}`);
      assert.deepEqual([ring(jit).consumerPos, ring(jit).producerPos, ring(jit).pendingPos], [ring(interp).consumerPos, ring(interp).producerPos, ring(interp).pendingPos]);
      if (op.drain === 0) assert.deepEqual(ring(jit).drain(), ring(interp).drain(), `step ${step}: ring records`);
    });
    assert.equal(jit.wakeUps, interp.wakeUps, 'ring wake-ups');
  }), { numRuns: 25 * SCALE });
});
