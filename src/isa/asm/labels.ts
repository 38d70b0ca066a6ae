import { AsmError } from '../errors.js';
import type { Instruction } from '../instruction.js';
import type { Fixup } from './statement.js';

/** Labels by name, each the slot index of the instruction that follows it. */
export class LabelTable {
  private readonly labels = new Map<string, { slot: number; line: number }>();
  private firstExit: number | null = null;

  define(name: string, slot: number, line: number, column: number): void {
    const previous = this.labels.get(name);
    if (previous) throw new AsmError(line, column, `duplicate label '${name}' (first defined on line ${previous.line})`);
    this.labels.set(name, { slot, line });
  }

  noteExit(slot: number): void {
    if (this.firstExit === null) this.firstExit = slot;
  }

  /** The slot a label names; `exit`, unless defined, means the first exit instruction (the suite's convention). */
  lookup(name: string): number | undefined {
    const found = this.labels.get(name)?.slot;
    if (found !== undefined) return found;
    return name === 'exit' && this.firstExit !== null ? this.firstExit : undefined;
  }

  entries(): Map<string, number> {
    return new Map([...this.labels].map(([name, { slot }]) => [name, slot]));
  }
}

/**
 * Writes every label reference as a slot count relative to the next slot, as
 * jumps, bpf-to-bpf calls and function addresses (BPF_PSEUDO_FUNC) count them.
 */
export function resolveFixups(insns: Instruction[], fixups: ReadonlyArray<{ slot: number; fixup: Fixup }>, labels: LabelTable): void {
  for (const { slot, fixup } of fixups) {
    const target = labels.lookup(fixup.label);
    if (target === undefined) throw new AsmError(fixup.line, fixup.column, `undefined label '${fixup.label}'`);
    const distance = target - (slot + 1);
    const [min, max, bits] = fixup.field === 'off' ? [-0x8000, 0x7fff, 16] : [-0x8000_0000, 0x7fff_ffff, 32];
    if (distance < min || distance > max) {
      throw new AsmError(fixup.line, fixup.column, `jump out of range: label '${fixup.label}' is ${distance} slots away, beyond a ${bits}-bit offset`);
    }
    insns[slot][fixup.field] = distance;
  }
}
