// What a JIT run zeroes of its stack: the verifier's stack depth bounds it
// for verified programs (each frame a run can have), so a run still sees a
// fresh stack wherever the program can look, as in the interpreter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createInterpreter } from '../../src/engine/interpreter/index.js';
import { createJit } from '../../src/engine/jit/index.js';
import { buildCfg } from '../../src/engine/jit/cfg.js';
import { callChainFrames, stackZeroRanges } from '../../src/engine/jit/stack-use.js';
import type { Instruction } from '../../src/isa/instruction.js';
import { Arena } from '../../src/memory/arena.js';

const insn = (opcode: number, dst: number, src: number, off: number, imm: number): Instruction => ({ opcode, dst, src, off, imm });
const call = (to: number, from: number) => insn(0x85, 0, 1, 0, to - from - 1);
const exit = () => insn(0x95, 0, 0, 0, 0);
const movImm = (dst: number, imm: number) => insn(0xb7, dst, 0, 0, imm);

/** main calls f (slot 3), which calls g (slot 6): three frames. */
const CHAIN: Instruction[] = [call(3, 0), movImm(0, 0), exit(), call(6, 3), movImm(0, 0), exit(), movImm(0, 1), exit()];

test('the longest call chain bounds the frames a run can have', () => {
  assert.equal(callChainFrames(CHAIN, buildCfg(CHAIN)), 3);
  const flat = [movImm(0, 0), exit()];
  assert.equal(callChainFrames(flat, buildCfg(flat)), 1);
  const recursive = [call(0, 0), exit()];
  assert.equal(callChainFrames(recursive, buildCfg(recursive)), 8);
});

test('verified depth: that many bytes of each frame; whole frames merge; checked code zeroes the whole stack', () => {
  const cfg = buildCfg(CHAIN);
  assert.deepEqual(stackZeroRanges(CHAIN, cfg, false, 16), [{ below: 16, bytes: 16 }, { below: 528, bytes: 16 }, { below: 1040, bytes: 16 }]);
  assert.deepEqual(stackZeroRanges(CHAIN, cfg, false, 510), [{ below: 1536, bytes: 1536 }]);
  assert.deepEqual(stackZeroRanges(CHAIN, cfg, false, 0), []);
  assert.deepEqual(stackZeroRanges(CHAIN, cfg, true, 16), [{ below: 4096, bytes: 4096 }]);
});

test('a run reads zeros where the last run wrote, as in the interpreter', () => {
  // r1 = *(u64 *)(r10 - 8); *(u64 *)(r10 - 8) = 42; r0 = r1  (privileged programs may read the uninitialised stack)
  const insns = [insn(0x79, 1, 10, -8, 0), insn(0x7a, 10, 0, -8, 42), insn(0xbf, 0, 1, 0, 0), exit()];
  const arena = new Arena();
  const interp = createInterpreter({ insns }, { arena, helpers: new Map() });
  const jit = createJit({ insns }, { arena, helpers: new Map(), checked: false, verifiedStackDepth: 8 });
  for (let i = 0; i < 3; i++) {
    assert.equal(interp.run([]), 0n);
    assert.equal(jit.run([]), 0n);
  }
  // Told (wrongly) that the program touches no stack, a run sees the last run's store: the depth is what counts.
  const careless = createJit({ insns }, { arena, helpers: new Map(), checked: false, verifiedStackDepth: 0 });
  careless.run([]);
  assert.equal(careless.run([]), 42n);
});
