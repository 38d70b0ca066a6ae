import { CODE_BASE } from '../engine/abi.js';
import type { Executable, ProgramImage } from '../engine/executable.js';
import type { Instruction } from '../isa/instruction.js';
import { BPF_CALL, BPF_EXIT, BPF_JMP, BPF_PSEUDO_CALL } from '../isa/opcodes.js';
import { VmObjectError } from './errors.js';
import type { VmRunContext } from './run-context.js';

/** Slots in front of the program in a callback image: `call <callback>; exit`. */
const PREFIX = 2;

/**
 * Runs a program's functions by code address, for helpers that call back
 * (bpf_loop, bpf_for_each_map_elem, bpf_find_vma...). Engines run from slot
 * 0, so each callback gets an image of its own: `call <callback>; exit`
 * followed by the whole program, built on first use. In such an image every
 * slot sits PREFIX further, so addresses taken inside a callback are
 * translated back before they are looked up.
 */
export class Callbacks {
  private readonly executables = new Map<number, Executable>();

  constructor(
    private readonly insns: readonly Instruction[],
    private readonly name: string,
    private readonly build: (image: ProgramImage) => Executable,
    /** Function entry slots of the program (sub-programs a callback may be). */
    private readonly entries: ReadonlySet<number>,
  ) {}

  /** env.callFunction for a run of the program itself (shift 0) or of a callback image (shift PREFIX). */
  invoker(env: VmRunContext, shift: number): (address: bigint, args: readonly bigint[]) => bigint {
    return (address, args) => {
      const delta = BigInt.asUintN(64, address) - CODE_BASE;
      const slot = delta >= 0n && delta % 8n === 0n ? Number(delta / 8n) - shift : -1;
      if (!this.entries.has(slot)) throw new VmObjectError(`program ${this.name}: callback address 0x${BigInt.asUintN(64, address).toString(16)} is not a function of the program`);
      const saved = env.callFunction;
      env.callFunction = this.invoker(env, PREFIX);
      try {
        return this.executable(slot).run(args, env);
      } finally {
        env.callFunction = saved;
      }
    };
  }

  private executable(slot: number): Executable {
    let exe = this.executables.get(slot);
    if (exe === undefined) {
      const prefix: Instruction[] = [
        { opcode: BPF_JMP | BPF_CALL, dst: 0, src: BPF_PSEUDO_CALL, off: 0, imm: slot + PREFIX - 1 },
        { opcode: BPF_JMP | BPF_EXIT, dst: 0, src: 0, off: 0, imm: 0 },
      ];
      exe = this.build({ insns: [...prefix, ...this.insns], name: `${this.name}+callback@${slot}` });
      this.executables.set(slot, exe);
    }
    return exe;
  }
}
