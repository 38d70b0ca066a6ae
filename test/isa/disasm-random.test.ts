// Random instructions and random byte soup (zero runs, odd lengths, labels and
// data symbols in the middle of instructions) listed by us and by
// llvm-objdump-19: the whole outputs must be equal. One objdump run per batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readElf } from '../../src/elf/index.js';
import { listObject } from '../../src/isa/disasm/index.js';
import { type TestSection, type TestSymbol, lineDiff, llvmMissing, objdump, objectFromBytes, readBytes, scratch, slotBytes } from './disasm-support.js';

const skip = llvmMissing();
const SEED = 20240519;

/** Slots biased towards the fields LLVM checks: valid registers, movsx/sdiv offsets, atomic and byte-swap immediates. */
const biasedSlot = fc.record({
  opcode: fc.integer({ min: 0, max: 255 }),
  dst: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 11 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }),
  src: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 11 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }),
  off: fc.oneof(fc.constantFrom(0, 0, 1, 8, 16, 32, -1, -0x8000, 0x7fff), fc.integer({ min: -0x8000, max: 0x7fff })),
  imm: fc.oneof(
    fc.constantFrom(0, 1, 16, 32, 64, 0x01, 0x41, 0x51, 0xa1, 0xe1, 0xf1, 0x40, 0x50, 0xa0, -1, -0x80000000, 0x7fffffff),
    fc.integer({ min: 0, max: 0x1ff }),
    fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  ),
});

function compare(name: string, sections: TestSection[], args: string[][]): number {
  const { dir, cleanup } = scratch();
  try {
    const object = objectFromBytes(dir, name, sections);
    const elf = readElf(readBytes(object));
    let lines = 0;
    for (const extra of args) {
      const theirs = objdump(object, ...extra);
      const ours = listObject(elf, object, { alu32: extra.includes('--mcpu=v4'), relocations: extra.includes('-r') });
      assert.deepEqual(lineDiff(ours, theirs), [], `llvm-objdump-19 -d ${extra.join(' ')}`);
      lines += theirs.split('\n').length;
    }
    return lines;
  } finally {
    cleanup();
  }
}

test('20000 random instructions list like llvm-objdump-19 (-d, --mcpu=v4)', { skip }, () => {
  const slots = fc.sample(biasedSlot, { numRuns: 20000, seed: SEED });
  const lines = compare('random', [{ name: 'xdp', bytes: slotBytes(slots) }], [[], ['--mcpu=v4']]);
  assert.ok(lines > 2 * 15000, `only ${lines} lines compared`);
});

/** Bytes heavy in zero runs and valid opcodes, of any length, with symbols of every kind at arbitrary offsets. */
const soupSection = fc.record({
  bytes: fc.array(fc.oneof(
    { weight: 3, arbitrary: fc.constant([0, 0, 0, 0]) },
    { weight: 2, arbitrary: fc.constantFrom([0xb7, 0x01, 0, 0, 5, 0, 0, 0], [0x18, 0x12, 0, 0, 1, 2, 3, 4], [0x95, 0, 0, 0, 0, 0, 0, 0], [0x05, 0, 0xfe, 0xff, 0, 0, 0, 0]) },
    { weight: 2, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 9 }) },
  ), { minLength: 1, maxLength: 60 }).map((chunks) => new Uint8Array(chunks.flat())),
  symbols: fc.array(fc.record({
    at: fc.nat(),
    type: fc.constantFrom<TestSymbol['type'] | undefined>(undefined, 'function', 'object'),
  }), { maxLength: 6 }),
});

test('random byte soup with zero runs, odd lengths and symbols lists like llvm-objdump-19', { skip }, () => {
  const samples = fc.sample(soupSection, { numRuns: 300, seed: SEED });
  const sections: TestSection[] = samples.map((s, i) => ({
    name: `soup${i}`,
    bytes: s.bytes,
    symbols: s.symbols.map((sym, k) => ({ name: `s${i}_${k}`, offset: sym.at % (s.bytes.length + 1), type: sym.type })),
  }));
  compare('soup', sections, [[], ['-r'], ['--mcpu=v4']]);
});
