import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ARENA_BASE, Arena } from '../../src/memory/arena.js';
import { MemoryAccessError } from '../../src/memory/errors.js';

describe('Arena', () => {
  test('allocations are zeroed, aligned, and freed blocks are reused at any alignment', () => {
    const arena = new Arena();
    const a = arena.alloc(4096, 64);
    assert.equal(a % 64, 0);
    arena.bytes.fill(0xaa, a, a + 4096);
    arena.free(a);
    const top = arena.size;
    for (let i = 0; i < 10_000; i++) arena.free(arena.alloc(4096, 64));
    assert.equal(arena.size, top, 'repeated alloc/free of aligned frames does not grow the arena');
    const b = arena.alloc(4096, 64);
    assert.equal(b, a);
    assert.ok(arena.bytes.subarray(b, b + 4096).every((x) => x === 0));
  });

  test('a freed block is not handed out where its alignment does not fit', () => {
    const arena = new Arena();
    arena.alloc(8);
    const odd = arena.alloc(64, 8);
    if (odd % 64 === 0) return; // layout made it aligned anyway: nothing to check
    arena.free(odd);
    assert.notEqual(arena.alloc(64, 64), odd);
  });

  test('regions: lookup, overlap refusal and checked accesses', () => {
    const arena = new Arena();
    const at = arena.alloc(16);
    const region = arena.addRegion(at, 16, 'map_value', 'counts value');
    assert.equal(arena.regionAt(at + 15), region);
    assert.equal(arena.regionAt(at + 16), null);
    assert.throws(() => arena.addRegion(at + 8, 16, 'mem', 'overlap'), /overlaps/);
    arena.check(0, at, 16, true);
    assert.throws(() => arena.check(3, at + 12, 8, false), (e: unknown) =>
      e instanceof MemoryAccessError && e.pc === 3 && e.size === 8 && e.region === 'counts value'
      && e.address === ARENA_BASE + BigInt(at + 12));
    arena.removeRegion(region);
    assert.throws(() => arena.check(0, at, 1, false), MemoryAccessError);
  });

  test('pointers and offsets convert both ways; growth keeps the bytes', () => {
    const arena = new Arena(65536);
    const at = arena.alloc(8);
    arena.bytes[at] = 7;
    assert.equal(arena.offsetOf(arena.pointer(at)), at);
    assert.equal(arena.offsetOf(0n), -1);
    arena.alloc(1 << 20);
    assert.equal(arena.bytes[at], 7);
  });
});
