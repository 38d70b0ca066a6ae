import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Arena } from '../../src/memory/arena.js';
import {
  createMap, LpmTrieMap, MapDefinitionError, BPF_EXIST, BPF_F_NO_PREALLOC, BPF_NOEXIST, EEXIST, EINVAL, ENOENT, ENOSPC,
} from '../../src/maps/index.js';
import { errnoOf, lpmKey, readU32, u32 } from './bytes.js';

const ipv4 = (maxEntries = 16): LpmTrieMap =>
  createMap(new Arena(), { type: 'lpm_trie', keySize: 8, valueSize: 4, maxEntries, flags: BPF_F_NO_PREALLOC, name: 'lpm' }) as LpmTrieMap;

const valueAt = (m: LpmTrieMap, addr: number[]): number | undefined => {
  const v = m.lookup(lpmKey(32, addr));
  return v && readU32(v);
};

test('lpm_trie: longest prefix match', () => {
  const m = ipv4();
  m.update(lpmKey(8, [10, 0, 0, 0]), u32(8));
  m.update(lpmKey(16, [10, 1, 0, 0]), u32(16));
  m.update(lpmKey(24, [10, 1, 2, 0]), u32(24));
  m.update(lpmKey(0, [0, 0, 0, 0]), u32(0));
  assert.equal(valueAt(m, [10, 1, 2, 3]), 24);
  assert.equal(valueAt(m, [10, 1, 3, 3]), 16);
  assert.equal(valueAt(m, [10, 200, 3, 3]), 8);
  assert.equal(valueAt(m, [11, 0, 0, 0]), 0, 'the default route');
  assert.equal(readU32(m.lookup(lpmKey(20, [10, 1, 2, 0]))!), 16, 'the lookup key prefix bounds the match');
  assert.equal(m.lookup(lpmKey(33, [10, 1, 2, 3])), undefined);
});

test('lpm_trie: bits past the prefix length do not make a different key', () => {
  const m = ipv4();
  m.update(lpmKey(16, [192, 168, 1, 1]), u32(1));
  m.update(lpmKey(16, [192, 168, 9, 9]), u32(2));
  assert.equal(m.size, 1);
  assert.equal(valueAt(m, [192, 168, 0, 0]), 2);
  assert.deepEqual(m.keys(), [lpmKey(16, [192, 168, 9, 9])], 'the key keeps the data of the last update');
});

test('lpm_trie: flags, full trie (-ENOSPC), delete', () => {
  const m = ipv4(2);
  assert.equal(errnoOf(() => m.update(lpmKey(8, [10, 0, 0, 0]), u32(1), BPF_EXIST)), ENOENT);
  m.update(lpmKey(8, [10, 0, 0, 0]), u32(1), BPF_NOEXIST);
  assert.equal(errnoOf(() => m.update(lpmKey(8, [10, 0, 0, 0]), u32(2), BPF_NOEXIST)), EEXIST);
  m.update(lpmKey(8, [10, 0, 0, 0]), u32(2), BPF_EXIST);
  m.update(lpmKey(8, [11, 0, 0, 0]), u32(3));
  assert.equal(errnoOf(() => m.update(lpmKey(8, [12, 0, 0, 0]), u32(4))), ENOSPC);
  m.update(lpmKey(8, [11, 0, 0, 0]), u32(5));
  assert.equal(errnoOf(() => m.update(lpmKey(33, [1, 0, 0, 0]), u32(4))), EINVAL);
  assert.equal(errnoOf(() => m.update(lpmKey(8, [1, 0, 0, 0]), u32(4), 4)), EINVAL);
  assert.equal(m.delete(lpmKey(16, [10, 0, 0, 0])), false, 'exact prefixes only');
  assert.equal(m.delete(lpmKey(8, [10, 0, 0, 0])), true);
  assert.equal(errnoOf(() => m.delete(lpmKey(40, [10, 0, 0, 0]))), EINVAL);
  assert.equal(valueAt(m, [10, 1, 1, 1]), undefined);
  assert.equal(valueAt(m, [11, 1, 1, 1]), 5);
});

test('lpm_trie: get_next_key in the kernel\'s post order (more specific first)', () => {
  // The order the kernel (6.18) gives for these four prefixes: 10/8 is the leftmost leaf
  // (its first bit is 0), then the /24s before the /16 that contains them.
  const m = ipv4();
  m.update(lpmKey(16, [192, 168, 0, 0]), u32(1));
  m.update(lpmKey(24, [192, 168, 0, 0]), u32(2));
  m.update(lpmKey(24, [192, 168, 1, 0]), u32(3));
  m.update(lpmKey(8, [10, 0, 0, 0]), u32(4));
  assert.deepEqual(m.keys(), [lpmKey(8, [10, 0, 0, 0]), lpmKey(24, [192, 168, 0, 0]), lpmKey(24, [192, 168, 1, 0]), lpmKey(16, [192, 168, 0, 0])]);
  assert.deepEqual(m.nextKey(lpmKey(24, [1, 2, 3, 0])), lpmKey(8, [10, 0, 0, 0]), 'a missing key restarts from the leftmost');
  assert.deepEqual(m.nextKey(lpmKey(24, [192, 168, 1, 0])), lpmKey(16, [192, 168, 0, 0]));
  assert.equal(m.nextKey(lpmKey(16, [192, 168, 0, 0])), undefined);
});

test('lpm_trie: definitions the kernel refuses', () => {
  const arena = new Arena();
  const refuse = (d: object): void => {
    assert.throws(() => createMap(arena, { type: 'lpm_trie', keySize: 8, valueSize: 4, maxEntries: 4, flags: BPF_F_NO_PREALLOC, ...d }), (e: unknown) => e instanceof MapDefinitionError && e.errno === EINVAL);
  };
  refuse({ flags: 0 });
  refuse({ keySize: 4 });
  refuse({ keySize: 261 });
  refuse({ valueSize: 0 });
  refuse({ maxEntries: 0 });
});

/** The longest stored prefix covering `addr` (bit-by-bit model). */
function modelMatch(entries: Map<string, { len: number; data: number[]; value: number }>, addr: number[]): number | undefined {
  let best: { len: number; value: number } | undefined;
  for (const e of entries.values()) {
    let ok = true;
    for (let bit = 0; bit < e.len && ok; bit++) ok = ((e.data[bit >> 3] ^ addr[bit >> 3]) & (0x80 >> (bit & 7))) === 0;
    if (ok && (!best || e.len > best.len)) best = e;
  }
  return best?.value;
}

const canonical = (len: number, data: number[]): string => {
  const bits = data.flatMap((b) => Array.from({ length: 8 }, (_, i) => (b >> (7 - i)) & 1)).slice(0, len);
  return `${len}/${bits.join('')}`;
};

test('lpm_trie: matches a bit-by-bit model under random updates and deletes (fast-check)', () => {
  const prefix = fc.tuple(fc.integer({ min: 0, max: 16 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 2 }));
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.boolean(), prefix, fc.nat(1000)), { maxLength: 60 }),
    fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 2 }), { maxLength: 20 }),
    (ops, probes) => {
      const m = createMap(new Arena(), { type: 'lpm_trie', keySize: 6, valueSize: 4, maxEntries: 64, flags: BPF_F_NO_PREALLOC, name: 'l' }) as LpmTrieMap;
      const model = new Map<string, { len: number; data: number[]; value: number }>();
      for (const [insert, [len, data], value] of ops) {
        const id = canonical(len, data);
        if (insert) {
          m.update(lpmKey(len, data), u32(value));
          model.set(id, { len, data, value });
        } else {
          assert.equal(m.delete(lpmKey(len, data)), model.delete(id));
        }
      }
      assert.equal(m.size, model.size);
      for (const addr of probes) {
        const v = m.lookup(lpmKey(16, addr));
        assert.equal(v && readU32(v), modelMatch(model, addr));
      }
      const keys = m.keys().map((k) => canonical(readU32(k), [k[4], k[5]]));
      assert.deepEqual(new Set(keys), new Set(model.keys()));
      assert.equal(keys.length, model.size);
      // Post order: no key comes after a key that contains it.
      keys.forEach((k, i) => {
        for (const later of keys.slice(i + 1)) {
          const [kl, kb] = k.split('/');
          const [ll, lb] = later.split('/');
          assert.ok(!(Number(ll) > Number(kl) && lb.startsWith(kb)), `${later} after ${k}`);
        }
      });
    },
  ), { numRuns: 300 });
});
