// The helper table driven by the interpreter: real programs (assembled) using
// maps, pointers into map values with atomics, printk and tail calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/memory/arena.js';
import { newHelperContext } from '../../src/engine/abi.js';
import { createInterpreter } from '../../src/engine/interpreter/index.js';
import { assembleLlvm } from '../../src/isa/asm/index.js';
import { createMap, mapRegistry, ProgArrayMap } from '../../src/maps/index.js';
import { HELPER_TABLE, helperRuntime } from '../../src/helpers/index.js';

const hex = (v: bigint): string => `0x${v.toString(16)}`;

test('interpreter: lookup, then an atomic add through the value pointer counts per key', () => {
  const arena = new Arena();
  const counts = createMap(arena, { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 16, name: 'counts' });
  const program = assembleLlvm(`
    *(u32 *)(r10 - 4) = r1
    *(u64 *)(r10 - 16) = 1
    r2 = r10
    r2 += -4
    r1 = ${hex(counts.pointer)} ll
    call 1
    if r0 != 0 goto found
    r1 = ${hex(counts.pointer)} ll
    r2 = r10
    r2 += -4
    r3 = r10
    r3 += -16
    r4 = 0
    call 2
    r0 = 1
    exit
  found:
    r1 = 1
    lock *(u64 *)(r0 + 0) += r1
    r0 = 2
    exit
  `);
  const exe = createInterpreter({ insns: program }, { arena, helpers: HELPER_TABLE });
  const keys = [3, 5, 3, 3, 9, 5];
  const results = keys.map((k) => exe.run([BigInt(k)], newHelperContext(arena)));
  assert.deepEqual(results, [1n, 1n, 2n, 2n, 1n, 2n]);
  const key = (k: number): Uint8Array => new Uint8Array([k, 0, 0, 0]);
  assert.equal(new DataView(counts.lookup(key(3))!.buffer).getBigUint64(0, true), 3n);
  assert.equal(new DataView(counts.lookup(key(5))!.buffer).getBigUint64(0, true), 2n);
  assert.equal(new DataView(counts.lookup(key(9))!.buffer).getBigUint64(0, true), 1n);
});

test('interpreter: bpf_trace_printk from the stack reaches the trace pipe', () => {
  const arena = new Arena();
  const program = assembleLlvm(`
    r1 = 0x000a6425203d2078 ll
    *(u64 *)(r10 - 8) = r1
    r1 = r10
    r1 += -8
    r2 = 8
    r3 = 42
    call 6
    exit
  `);
  const exe = createInterpreter({ insns: program }, { arena, helpers: HELPER_TABLE });
  assert.equal(exe.run([], newHelperContext(arena)), 7n, 'the length of "x = 42\\n"');
  assert.equal(helperRuntime(arena).tracePipe.readRecords()[0].message, 'x = 42\n');
});

test('interpreter: bpf_tail_call jumps to the program in the prog_array slot', () => {
  const arena = new Arena();
  const jumps = createMap(arena, { type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 4, name: 'jumps' }) as ProgArrayMap;
  const target = createInterpreter({ insns: assembleLlvm('r0 = 77\nexit') }, { arena, helpers: HELPER_TABLE });
  jumps.setProgram(2, mapRegistry(arena).addProgram({ run: (ctx, env) => target.run([ctx], env) }, 'target'));
  const program = assembleLlvm(`
    r3 = r1
    r1 = 0
    r2 = ${hex(jumps.pointer)} ll
    call 12
    r0 = 1
    exit
  `);
  const exe = createInterpreter({ insns: program }, { arena, helpers: HELPER_TABLE });
  assert.equal(exe.run([2n], newHelperContext(arena)), 77n);
  assert.equal(exe.run([1n], newHelperContext(arena)), 1n, 'an empty slot falls through');
});
