import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HelperControl, codeAddress, type TailCallTarget } from '../../src/engine/abi.js';
import { createMap, mapRegistry, ProgArrayMap, E2BIG, EINVAL } from '../../src/maps/index.js';
import { BPF_MAX_LOOPS, HelperError } from '../../src/helpers/index.js';
import { testEnv } from './env.js';

test('bpf_loop calls the callback with the index and ctx until it returns non-zero', () => {
  const t = testEnv();
  const calls: Array<[bigint, bigint[]]> = [];
  t.env.callFunction = (addr, args) => {
    calls.push([addr, [...args]]);
    return args[0] === 4n ? 1n : 0n;
  };
  const fn = codeAddress(10);
  assert.equal(t.call('loop', 100n, fn, 0x55n, 0n), 5n);
  assert.equal(calls.length, 5);
  assert.deepEqual(calls[2], [fn, [2n, 0x55n, 0n, 0n, 0n]]);
  assert.equal(t.call('loop', 3n, fn, 0n, 0n), 3n);
  assert.equal(t.signed('loop', 3n, fn, 0n, 1n), BigInt(-EINVAL));
  // -E2BIG in 32 bits, as the kernel's inlined bpf_loop (flags 0) leaves it.
  assert.equal(t.call('loop', BigInt(BPF_MAX_LOOPS + 1), fn, 0n, 0n), BigInt(-E2BIG >>> 0));
  t.env.pc = 17;
  t.env.callFunction = () => { t.env.pc = 99; return 0n; };
  t.call('loop', 1n, fn, 0n, 0n);
  assert.equal(t.env.pc, 17, 'the caller\'s pc is restored after callbacks');
});

test('bpf_loop without an engine that can call back stops the run', () => {
  const t = testEnv();
  assert.throws(() => t.call('loop', 1n, codeAddress(3), 0n, 0n), HelperError);
});

test('bpf_for_each_map_elem passes map, key, value and ctx; 1 stops', () => {
  const t = testEnv();
  const m = createMap(t.arena, { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 8 });
  for (let i = 0; i < 5; i++) m.update(new Uint8Array([i, 0, 0, 0]), new Uint8Array([i * 10, 0, 0, 0]));
  const seen: number[] = [];
  t.env.callFunction = (_addr, [map, key, value, ctx]) => {
    assert.equal(map, m.pointer);
    assert.equal(ctx, 0x99n);
    seen.push(t.arena.bytes[t.off(key)]);
    assert.equal(t.arena.bytes[t.off(value)], t.arena.bytes[t.off(key)] * 10);
    return seen.length === 3 ? 1n : 0n;
  };
  assert.equal(t.call('for_each_map_elem', m.pointer, codeAddress(1), 0x99n, 0n), 3n);
  assert.equal(seen.length, 3);
  assert.equal(t.signed('for_each_map_elem', m.pointer, codeAddress(1), 0n, 2n), BigInt(-EINVAL));
  const q = createMap(t.arena, { type: 'queue', keySize: 0, valueSize: 4, maxEntries: 1 });
  assert.equal(t.signed('for_each_map_elem', q.pointer, codeAddress(1), 0n, 0n), BigInt(-EINVAL));
});

test('bpf_tail_call asks the engine to jump when the slot holds a program', () => {
  const t = testEnv();
  const pa = createMap(t.arena, { type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 2 }) as ProgArrayMap;
  const target: TailCallTarget = { run: () => 3n };
  pa.setProgram(1, mapRegistry(t.arena).addProgram(target));
  t.call('tail_call', 0n, pa.pointer, 0n);
  assert.equal(t.env.control, HelperControl.None, 'empty slot: the program goes on');
  t.call('tail_call', 0n, pa.pointer, 5n);
  assert.equal(t.env.control, HelperControl.None);
  t.call('tail_call', 0n, pa.pointer, 1n);
  assert.equal(t.env.control, HelperControl.TailCall);
  assert.equal(t.env.tailCallTarget, target);
  const h = createMap(t.arena, { type: 'hash', keySize: 4, valueSize: 4, maxEntries: 1 });
  assert.throws(() => t.call('tail_call', 0n, h.pointer, 0n), HelperError);
});
