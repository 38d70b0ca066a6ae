import { Arena } from '../src/memory/arena.js';
import type { EngineFactory } from '../src/engine/select.js';
import type { Instruction } from '../src/isa/instruction.js';

export interface VmTiming {
  readonly nsPerRun: number;
  readonly instructionsPerRun: number;
  /** The first 8 bytes of the packet after one run on a fresh copy (where the program stores its result). */
  readonly result: bigint;
}

/**
 * Times a program under the conformance calling convention (r1 = packet,
 * r2 = its length) on one engine: one checked run on a fresh packet for the
 * result, warm-up, then batches until `minMillis` have passed. Every timed
 * run works on the same packet, as the kernel's repeated test runs do.
 */
export function timeOnVm(create: EngineFactory, insns: readonly Instruction[], packet: Uint8Array, minMillis: number): VmTiming {
  const arena = new Arena();
  const at = arena.alloc(packet.length);
  arena.addRegion(at, packet.length, 'packet', 'packet');
  arena.bytes.set(packet, at);
  // Unchecked, as a verified program runs (the kernel accepted this very program).
  const exe = create({ insns }, { arena, helpers: new Map(), checked: false });
  const args = [arena.pointer(at), BigInt(packet.length)];
  exe.run(args);
  const result = new DataView(arena.memory.buffer).getBigUint64(at, true);
  const instructionsPerRun = exe.lastInstructionCount;

  const warmUntil = performance.now() + Math.min(200, minMillis / 2);
  while (performance.now() < warmUntil) exe.run(args);
  let runs = 0;
  let batch = 16;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMillis) {
    for (let i = 0; i < batch; i++) exe.run(args);
    runs += batch;
    batch = Math.min(batch * 2, 65536);
    elapsed = performance.now() - start;
  }
  return { nsPerRun: (elapsed * 1e6) / runs, instructionsPerRun, result };
}
