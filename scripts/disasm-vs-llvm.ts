// Compares tsbpf's disassembly listing with llvm-objdump-19's on many random
// instructions (more than npm test runs): node --import tsx scripts/disasm-vs-llvm.ts [COUNT] [SEED]
// Prints, per mode, the number of lines compared and the first differences.
import fc from 'fast-check';
import { readElf } from '../src/elf/index.js';
import { listObject } from '../src/isa/disasm/index.js';
import { lineDiff, llvmMissing, objdump, objectFromBytes, readBytes, scratch, slotBytes } from '../test/isa/disasm-support.js';

const count = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000);
const missing = llvmMissing();
if (missing) {
  console.error(`cannot compare: ${missing}`);
  process.exit(2);
}

const slot = fc.record({
  opcode: fc.integer({ min: 0, max: 255 }),
  dst: fc.integer({ min: 0, max: 15 }),
  src: fc.integer({ min: 0, max: 15 }),
  off: fc.oneof(fc.constantFrom(0, 1, 8, 16, 32, -1, -0x8000, 0x7fff), fc.integer({ min: -0x8000, max: 0x7fff })),
  imm: fc.oneof(fc.constantFrom(0, 1, 16, 32, 64, 0xe1, 0xf1, -1), fc.integer({ min: 0, max: 0x1ff }),
    fc.integer({ min: -0x80000000, max: 0x7fffffff })),
});

const { dir, cleanup } = scratch();
let failed = false;
try {
  const batch = 200_000;
  for (let done = 0; done < count; done += batch) {
    const slots = fc.sample(slot, { numRuns: Math.min(batch, count - done), seed: seed + done });
    const object = objectFromBytes(dir, `batch${done}`, [{ name: 'xdp', bytes: slotBytes(slots) }]);
    const elf = readElf(readBytes(object));
    for (const [args, alu32, relocations] of [[[], false, false], [['--mcpu=v4'], true, false], [['-r'], false, true]] as const) {
      const theirs = objdump(object, ...args);
      const diff = lineDiff(listObject(elf, object, { alu32, relocations }), theirs);
      console.log(`seed ${seed + done}, ${slots.length} slots, llvm-objdump-19 -d ${args.join(' ')}: ${theirs.split('\n').length} lines, ${diff.length === 0 ? 'equal' : 'DIFFERENT'}`);
      if (diff.length > 0) { failed = true; console.log(diff.join('\n')); }
    }
  }
} finally {
  cleanup();
}
process.exit(failed ? 1 : 0);
