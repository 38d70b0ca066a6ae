// Truncated, bit-flipped, field-mutated and random ELF input: the loader
// either accepts it or throws ElfError/BtfError (with section and offset),
// and always returns quickly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseObjectSpec, readElf, ElfError } from '../../src/elf/index.js';
import { BtfError } from '../../src/btf/index.js';
import { fixtureBytes, fixtureNames } from '../support/fixtures.js';

const fixtures = fixtureNames().map((name) => ({ name, bytes: fixtureBytes(name) }));
let slowest = 0;

function attempt(bytes: Uint8Array): void {
  const t0 = performance.now();
  try {
    parseObjectSpec(bytes);
  } catch (e) {
    if (e instanceof ElfError) {
      assert.ok(Number.isInteger(e.offset) && e.offset >= 0, `offset of ${e.message}`);
      assert.ok(e.section === null || typeof e.section === 'string');
    } else if (e instanceof BtfError) {
      assert.ok(Number.isInteger(e.offset) && e.offset >= 0, `offset of ${e.message}`);
    } else {
      throw e;
    }
  } finally {
    slowest = Math.max(slowest, performance.now() - t0);
  }
}

const fixture = fc.constantFrom(...fixtures);

test('truncated objects', () => {
  fc.assert(fc.property(fixture, fc.nat(), ({ bytes }, cut) => { attempt(bytes.subarray(0, cut % bytes.length)); }), { numRuns: 400 });
});

test('bit-flipped objects', () => {
  fc.assert(fc.property(fixture, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }),
    ({ bytes }, flips) => {
      const copy = new Uint8Array(bytes);
      for (const [at, bit] of flips) copy[at % copy.length] ^= 1 << bit;
      attempt(copy);
    }), { numRuns: 600 });
});

test('section headers, symbols and relocations with hostile field values', () => {
  const interesting = fc.oneof(fc.constantFrom(0, 1, 7, 8, 0xffff, 0xffffffff, 0x7fffffff), fc.nat({ max: 0xffffffff }));
  fc.assert(fc.property(fixture, fc.nat(), fc.nat({ max: 15 }), interesting, ({ bytes }, which, field, value) => {
    const elf = readElf(bytes);
    const copy = new Uint8Array(bytes);
    const view = new DataView(copy.buffer);
    const targets: number[] = [];
    for (let i = 0; i < elf.sections.length; i++) targets.push(elf.header.shoff + i * 64);
    for (const s of elf.sections) {
      if (s.type === 2 || s.type === 9) for (let at = s.offset; at + 8 <= s.offset + s.size; at += 8) targets.push(at);
    }
    const at = targets[which % targets.length] + (field % 8) * 4;
    if (at + 4 <= copy.length) view.setUint32(at, value, true);
    attempt(copy);
  }), { numRuns: 800 });
});

test('mutated .BTF, .BTF.ext and .maps contents', () => {
  fc.assert(fc.property(fixture, fc.constantFrom('.BTF', '.BTF.ext', '.maps', 'license', '.rel.maps'), fc.nat(), fc.nat({ max: 0xffffffff }),
    ({ bytes }, name, where, value) => {
      const section = readElf(bytes).section(name);
      if (section === undefined || section.size < 4) return;
      const copy = new Uint8Array(bytes);
      const at = section.offset + (where % (section.size - 3));
      new DataView(copy.buffer).setUint32(at, value, true);
      attempt(copy);
    }), { numRuns: 800 });
});

test('random bytes behind an ELF64 header', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 2048 }), (random) => {
    const bytes = new Uint8Array(64 + random.length);
    bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    bytes.set(random.subarray(0, 57), 7);
    bytes.set(random, 64);
    attempt(bytes);
  }), { numRuns: 400 });
});

test('no input took long', () => {
  assert.ok(slowest < 500, `slowest parse took ${slowest.toFixed(1)} ms`);
});
