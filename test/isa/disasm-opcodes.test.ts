// Our instruction text against llvm-objdump-19's, for every valid
// instruction form and for every opcode byte: one object and one objdump run
// per batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readElf } from '../../src/elf/index.js';
import { decodeRaw } from '../../src/isa/encoding.js';
import type { Instruction } from '../../src/isa/instruction.js';
import { disassemble, listObject } from '../../src/isa/disasm/index.js';
import { everyOpcodeSlots, validInstructionSlots } from './disasm-cases.js';
import { lineDiff, llvmMissing, objdump, objectFromBytes, readBytes, scratch, slotBytes } from './disasm-support.js';

const skip = llvmMissing();
const LINE = /^ *(\d+):\t([0-9a-f ]+)\t(.*)$/;

/** Index -> instruction text of an llvm-objdump listing, without the `<symbol+0x..>` branch targets. */
function objdumpTexts(listing: string): Map<number, string> {
  const texts = new Map<number, string>();
  for (const line of listing.split('\n')) {
    const m = LINE.exec(line);
    if (m) texts.set(Number(m[1]), m[3].replace(/ <[^<>]*>$/, ''));
  }
  return texts;
}

function compareBatch(name: string, slots: Instruction[], mcpuArgs: string[]): { compared: number; opcodes: Set<number> } {
  const { dir, cleanup } = scratch();
  try {
    const object = objectFromBytes(dir, name, [{ name: 'xdp', bytes: slotBytes(slots) }]);
    const alu32 = mcpuArgs.length > 0;
    const theirs = objdump(object, ...mcpuArgs);
    const texts = objdumpTexts(theirs);
    const insns = decodeRaw(slotBytes(slots));
    const mismatches: string[] = [];
    const opcodes = new Set<number>();
    for (const [index, text] of texts) {
      const ours = disassemble(insns, index, { alu32 });
      opcodes.add(insns[index].opcode);
      if (ours !== text && mismatches.length < 10) mismatches.push(`#${index} ${JSON.stringify(insns[index])}: ours ${JSON.stringify(ours)}, llvm ${JSON.stringify(text)}`);
    }
    assert.deepEqual(mismatches, []);
    const ours = listObject(readElf(readBytes(object)), object, { alu32 });
    assert.deepEqual(lineDiff(ours, theirs), [], 'whole listing differs');
    return { compared: texts.size, opcodes };
  } finally {
    cleanup();
  }
}

test('every valid instruction form matches llvm-objdump-19 -d', { skip }, () => {
  const slots = validInstructionSlots();
  const { compared, opcodes } = compareBatch('valid', slots, []);
  // Every slot is an instruction start except the second halves of lddw.
  assert.equal(compared, slots.length - slots.filter((s) => s.opcode === 0x18).length);
  // 53 ALU/ALU64 + 50 JMP/JMP32 + 7 LD + 17 LDX/ST/STX opcode bytes.
  assert.equal(opcodes.size, 127);
});

test('every valid instruction form matches llvm-objdump-19 -d --mcpu=v4 (ALU32 register names)', { skip }, () => {
  compareBatch('valid-v4', validInstructionSlots(), ['--mcpu=v4']);
});

test('every opcode byte with assorted fields (mostly <unknown>) matches llvm-objdump-19', { skip }, () => {
  const slots = everyOpcodeSlots();
  const { opcodes } = compareBatch('every', slots, []);
  assert.equal(opcodes.size, 256);
  compareBatch('every-v3', slots, ['--mcpu=v3']);
});
