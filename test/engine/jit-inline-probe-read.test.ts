// The JIT's host-call fast path of bpf_probe_read* and bpf_probe_read*_str
// against the interpreter (the helpers themselves): the same r0 and the
// same memory for sources inside a region, across two adjacent regions,
// running off into unmapped arena space, given as a zero-extended offset,
// or no arena address at all; strings with and without their NUL in reach;
// and the copy in WebAssembly from the region the last read left in the
// arena's memo, which must not outlive the region.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { newHelperContext, type HelperFn } from '../../src/engine/abi.js';
import type { Executable } from '../../src/engine/executable.js';
import { createInterpreter } from '../../src/engine/interpreter/index.js';
import { createJit, mapInliners } from '../../src/engine/jit/index.js';
import { BPF_FUNC } from '../../src/helpers/ids.js';
import { HELPER_TABLE } from '../../src/helpers/table.js';
import type { Instruction } from '../../src/isa/instruction.js';
import { mapRegistry } from '../../src/maps/registry.js';
import { Arena } from '../../src/memory/arena.js';

const insn = (opcode: number, dst: number, src: number, off: number, imm: number): Instruction => ({ opcode, dst, src, off, imm });
const mov = (dst: number, src: number) => insn(0xbf, dst, src, 0, 0);
const ldxDw = (dst: number, src: number, off: number) => insn(0x79, dst, src, off, 0);
const ldxB = (dst: number, src: number, off: number) => insn(0x71, dst, src, off, 0);
const call = (id: number) => insn(0x85, 0, 0, 0, id);
const exit = () => insn(0x95, 0, 0, 0, 0);

/** Two adjacent 64-byte regions (a, b), then 64 bytes of arena without a region. */
const REGION = 64;
/** The program copies into a[0..size) from the u64 at a[48], size a[56]. */
const SRC = 48;
const SIZE = 56;

const IDS = [
  BPF_FUNC.probe_read, BPF_FUNC.probe_read_kernel, BPF_FUNC.probe_read_user,
  BPF_FUNC.probe_read_str, BPF_FUNC.probe_read_kernel_str, BPF_FUNC.probe_read_user_str,
];

interface Vm {
  readonly arena: Arena;
  readonly a: number;
  calls: number;
  run(id: number): string;
}

function newVm(jit: boolean): Vm {
  const arena = new Arena();
  const registry = mapRegistry(arena);
  const a = arena.alloc(REGION);
  const b = arena.alloc(REGION);
  const gap = arena.alloc(REGION);
  assert.equal(b, a + REGION);
  assert.equal(gap, b + REGION);
  arena.addRegion(a, REGION, 'mem', 'a');
  arena.addRegion(b, REGION, 'mem', 'b', false);
  const vm: Vm = {
    arena, a, calls: 0,
    run: (id) => {
      const exe = programs.get(id) as Executable;
      let r0: string;
      try {
        r0 = `0x${BigInt.asUintN(64, exe.run([arena.pointer(a)], newHelperContext(arena))).toString(16)}`;
      } catch (err) {
        r0 = `${(err as Error).constructor.name}: ${(err as Error).message}`;
      }
      return `${r0} mem ${Buffer.from(arena.bytes.subarray(a, a + 3 * REGION)).toString('hex')}`;
    },
  };
  const counting = new Map([...HELPER_TABLE].map(([id, fn]) => [id, ((env, ...args) => { vm.calls++; return fn(env, ...args); }) as HelperFn]));
  const inliners = mapInliners(registry);
  const programs = new Map<number, Executable>();
  for (const id of IDS) {
    const insns = [mov(6, 1), ldxDw(3, 6, SRC), ldxB(2, 6, SIZE), mov(1, 6), call(id), exit()];
    programs.set(id, jit ? createJit({ insns }, { arena, helpers: counting, checked: false, inliners }) : createInterpreter({ insns }, { arena, helpers: HELPER_TABLE }));
  }
  return vm;
}

/** Where the source points, relative to region a (offsets past 128 are in the gap without a region). */
const sourceArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 3 * REGION }).map((k) => ({ kind: 'arena' as const, k })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 2 * REGION }).map((k) => ({ kind: 'offset' as const, k })) },
  { weight: 1, arbitrary: fc.bigUint64Array({ minLength: 1, maxLength: 1 }).map(([v]) => ({ kind: 'raw' as const, v })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'raw' as const, v: 0n }) },
);

const opArb = fc.record({
  id: fc.constantFrom(...IDS),
  source: sourceArb,
  size: fc.integer({ min: 0, max: 40 }),
  // Sparse NULs, so strings run short, long, and past the regions.
  fill: fc.array(fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max: 255 }) }, { weight: 1, arbitrary: fc.constant(0) }), { minLength: 2 * REGION, maxLength: 2 * REGION }),
});

function prepare(vm: Vm, op: typeof opArb extends fc.Arbitrary<infer T> ? T : never): void {
  const bytes = vm.arena.bytes;
  bytes.set(op.fill, vm.a);
  bytes.fill(0x5a, vm.a + 2 * REGION, vm.a + 3 * REGION);
  const src = op.source.kind === 'arena' ? vm.arena.pointer(vm.a + op.source.k)
    : op.source.kind === 'offset' ? BigInt(vm.a + op.source.k) : op.source.v;
  vm.arena.view.setBigUint64(vm.a + SRC, src, true);
  bytes[vm.a + SIZE] = op.size;
}

test('probe read fast path = the helpers: sources in, across and off regions, strings cut or whole', () => {
  fc.assert(fc.property(fc.array(opArb, { minLength: 1, maxLength: 30 }), (ops) => {
    const interp = newVm(false);
    const jit = newVm(true);
    ops.forEach((op, step) => {
      const [want, got] = [interp, jit].map((vm) => {
        prepare(vm, op);
        return vm.run(op.id);
      });
      assert.equal(got, want, `step ${step}: helper ${op.id}, ${JSON.stringify(op.source, (_, v) => (typeof v === 'bigint' ? v.toString(16) : v))}, size ${op.size}`);
    });
    assert.equal(jit.calls, 0, 'no helper call left');
  }), { numRuns: 100 });
});

test('probe read fast path: checked (unverified) code keeps the helper call', () => {
  const arena = new Arena();
  const registry = mapRegistry(arena);
  const mem = arena.alloc(REGION);
  arena.addRegion(mem, REGION, 'mem', 'a');
  let calls = 0;
  const counting = new Map([...HELPER_TABLE].map(([id, fn]) => [id, ((env, ...args) => { calls++; return fn(env, ...args); }) as HelperFn]));
  const insns = [mov(6, 1), ldxDw(3, 6, SRC), ldxB(2, 6, SIZE), mov(1, 6), call(BPF_FUNC.probe_read_kernel), exit()];
  const exe = createJit({ insns }, { arena, helpers: counting, checked: true, inliners: mapInliners(registry) });
  arena.view.setBigUint64(mem + SRC, arena.pointer(mem + 8), true);
  arena.bytes[mem + SIZE] = 8;
  assert.equal(exe.run([arena.pointer(mem)], newHelperContext(arena)), 0n);
  assert.equal(calls, 1);
});

test('probe read fast path: the region a read left in the memo is forgotten when the region goes', () => {
  const arena = new Arena();
  const registry = mapRegistry(arena);
  const mem = arena.alloc(REGION);
  const other = arena.alloc(REGION);
  arena.addRegion(mem, REGION, 'mem', 'a');
  const gone = arena.addRegion(other, REGION, 'mem', 'b');
  let calls = 0;
  const counting = new Map([...HELPER_TABLE].map(([id, fn]) => [id, ((env, ...args) => { calls++; return fn(env, ...args); }) as HelperFn]));
  const insns = [mov(6, 1), ldxDw(3, 6, SRC), ldxB(2, 6, SIZE), mov(1, 6), call(BPF_FUNC.probe_read_kernel), exit()];
  const exe = createJit({ insns }, { arena, helpers: counting, checked: false, inliners: mapInliners(registry) });
  arena.bytes.fill(0x77, other, other + REGION);
  const read = (): bigint => {
    arena.view.setBigUint64(mem + SRC, arena.pointer(other + 4), true);
    arena.bytes[mem + SIZE] = 8;
    return BigInt.asIntN(64, exe.run([arena.pointer(mem)], newHelperContext(arena)));
  };
  assert.equal(read(), 0n);
  assert.equal(read(), 0n, 'again, from the memo');
  assert.equal(arena.view.getBigUint64(mem, true), 0x7777777777777777n);
  arena.removeRegion(gone);
  assert.equal(read(), -14n, 'the region is gone: -EFAULT, as the helper says');
  assert.equal(arena.view.getBigUint64(mem, true), 0n, 'and the destination zeroed');
  assert.equal(calls, 0);
});
