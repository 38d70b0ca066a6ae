// The JIT's control flow and run time against the interpreter: loops
// (nested, several exits, irreducible), bpf-to-bpf calls and their frames,
// callx, helpers that end the program or tail-call, the budget (same error,
// pc and count), memory faults (same error fields), WebAssembly traps,
// legacy packet loads, nested runs, the inliner extension point.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HelperControl, newHelperContext, type HelperFn, type TailCallTarget } from '../../src/engine/abi.js';
import { BudgetExceededError, ExecutionError, UnknownHelperError } from '../../src/engine/errors.js';
import type { Executable } from '../../src/engine/executable.js';
import { createInterpreter } from '../../src/engine/interpreter/index.js';
import { createJit, JitTrapError, type HelperInliner } from '../../src/engine/jit/index.js';
import { Op } from '../../src/engine/jit/wasm-opcodes.js';
import { assemble } from '../../src/isa/asm/index.js';
import type { Instruction } from '../../src/isa/instruction.js';
import { ldImm64 } from '../../src/isa/instruction.js';
import * as op from '../../src/isa/opcodes.js';
import { Arena } from '../../src/memory/arena.js';
import { MemoryAccessError } from '../../src/memory/errors.js';
import { outcomeDiff, outcomeOf, type OutcomeOptions } from '../support/engine-outcome.js';
import { alu64K, callLocal, exit, ja, jmpK, mov64 } from './build.js';

const MEM = Uint8Array.from({ length: 64 }, (_, i) => i * 3 + 1);

/** Runs in the interpreter and both JIT modes; all must agree. Returns the interpreter's outcome. */
function agree(insns: readonly Instruction[], mem: Uint8Array = MEM, options: OutcomeOptions = {}): string {
  const opts = { budget: 100_000, ...options };
  const reference = outcomeOf(createInterpreter, insns, mem, opts);
  for (const checked of [true, false]) {
    const diff = outcomeDiff(reference, outcomeOf(createJit, insns, mem, { ...opts, checked }));
    assert.equal(diff, null, `jit ${checked ? 'checked' : 'unchecked'}: ${diff}`);
  }
  return reference.result;
}

const asm = (text: string): Instruction[] => assemble(text);

describe('jit: control flow', () => {
  test('nested loops with several exits', () => {
    const result = agree(asm(`
      r0 = 0
      r2 = 0
    outer:
      r3 = 0
    inner:
      r0 += r3
      if r0 > 5000 goto done
      r3 += 1
      if r3 < 7 goto inner
      r2 += 1
      if r2 == 13 goto done
      if r2 < 40 goto outer
    done:
      exit
    `));
    assert.equal(result, '0x111');
  });

  test('an irreducible graph (a loop entered in two places) runs through the dispatch loop', () => {
    // 0 -> {A, B}; A -> B; B -> A or out: A and B form a cycle with two entries.
    const insns = asm(`
      r0 = 0
      r2 = *(u8 *)(r1 + 0)
      if r2 > 2 goto b
    a:
      r0 += 3
    b:
      r0 += 1
      if r0 < 100 goto a
      exit
    `);
    agree(insns);
    const arena = new Arena();
    assert.equal(createJit({ insns }, { arena, helpers: new Map() }).stats.irreducible, 1);
  });

  test('a chain of 4,000 conditional blocks compiles (no recursion limit) and agrees', () => {
    const insns: Instruction[] = [mov64(0, 0)];
    for (let i = 0; i < 4000; i++) insns.push(jmpK(op.BPF_JEQ, 0, i * 7, 1), alu64K(op.BPF_ADD, 0, (i % 5) + 1));
    insns.push(exit());
    agree(insns);
  });

  test('falling off the end, and an infinite loop, fail as in the interpreter', () => {
    assert.match(agree([mov64(0, 1)]), /ExecutionError: pc 1: fell off the end of the program/);
    assert.match(agree([mov64(0, 1), ja(-1), exit()], MEM, { budget: 1000 }), /BudgetExceededError: pc 1: instruction budget of 1000/);
  });

  test('the budget stops at the same pc with the same count, for every budget from 1 to 200', () => {
    const insns = asm(`
      r0 = 0
    loop:
      r0 += 1
      r2 = *(u8 *)(r1 + 0)
      r0 += r2
      if r0 < 150 goto loop
      call 5
      exit
    `);
    for (let budget = 1; budget <= 200; budget++) agree(insns, MEM, { budget, helpers: new Map([[5, (_env, r1) => r1]]) });
  });
});

describe('jit: calls', () => {
  test('bpf-to-bpf: the callee sees and changes r0..r5, r6..r9 come back, each frame has its own stack', () => {
    const result = agree(asm(`
      r6 = 6
      r7 = 7
      r3 = 3
      *(u64 *)(r10 - 8) = r6
      call f
      r0 += r6
      r0 += r3
      r2 = *(u64 *)(r10 - 8)
      r0 += r2
      exit
    f:
      r6 = 100
      r3 += 30
      r0 = r3
      *(u64 *)(r10 - 8) = r6
      exit
    `));
    assert.equal(result, `0x${(33 + 6 + 33 + 6).toString(16)}`);
  });

  test('recursion: 8 frames are allowed, the ninth is refused as in the interpreter', () => {
    const recurse = (depth: number): Instruction[] => [
      mov64(1, depth),
      callLocal(1),
      exit(),
      // f(r1): if r1 == 0 return 0; return f(r1 - 1) + 1
      mov64(0, 0),
      jmpK(op.BPF_JEQ, 1, 0, 3),
      alu64K(op.BPF_SUB, 1, 1),
      callLocal(-4),
      alu64K(op.BPF_ADD, 0, 1),
      exit(),
    ];
    assert.equal(agree(recurse(6)), '0x6');
    assert.match(agree(recurse(7)), /ExecutionError: pc 6: too many nested calls: at most 8 frames/);
  });

  test('callx: a function address, a helper id, and a value that is neither', () => {
    const [lo, hi] = ldImm64(2, 0n, op.BPF_PSEUDO_FUNC);
    const viaAddress = [{ ...lo, imm: 4 }, hi, mov64(1, 20), { opcode: op.BPF_JMP | op.BPF_CALL | op.BPF_X, dst: 2, src: 0, off: 0, imm: 0 }, exit(),
      mov64(0, 0), alu64K(op.BPF_ADD, 0, 22), exit()];
    assert.equal(agree(viaAddress), '0x16');
    const helpers = new Map<number, HelperFn>([[7, (_env, r1) => r1 * 2n]]);
    assert.equal(agree(asm('r1 = 21\nr3 = 7\ncallx r3\nexit'), MEM, { helpers }), '0x2a');
    assert.match(agree(asm('r3 = -1\ncallx r3\nexit'), MEM, { helpers }), /ExecutionError: pc 1: callx r3: not a function address or helper id/);
    assert.match(agree(asm('r3 = 8\ncallx r3\nexit'), MEM, { helpers }), /UnknownHelperError: pc 1: call to unknown helper 8/);
  });

  test('a kfunc call is refused at run time', () => {
    assert.match(agree([{ opcode: op.BPF_JMP | op.BPF_CALL, dst: 0, src: 2, off: 0, imm: 1 }, exit()]), /kfunc calls are not supported/);
  });
});

describe('jit: helpers', () => {
  test('helpers get r1..r5 (unsigned) and env.pc, and their result lands in r0', () => {
    const seen: Array<[number, bigint[]]> = [];
    const helpers = new Map<number, HelperFn>([[3, (env, ...args) => {
      seen.push([env.pc, args]);
      return args[0] + args[4];
    }]]);
    const insns = asm('r1 = -1\nr2 = 2\nr3 = 3\nr4 = 4\nr5 = 5\ncall 3\nexit');
    const arena = new Arena();
    const r0 = createJit({ insns }, { arena, helpers }).run([]);
    assert.equal(r0, 4n);
    assert.deepEqual(seen, [[5, [0xffff_ffff_ffff_ffffn, 2n, 3n, 4n, 5n]]]);
  });

  test('a helper that ends the program does so from any frame', () => {
    const stop: HelperFn = (env, r1) => {
      env.control = HelperControl.Exit;
      env.exitValue = r1 + 1n;
      return 0n;
    };
    const insns = asm(`
      r1 = 41
      call f
      r0 = 1
      exit
    f:
      call g
      r0 = 2
      exit
    g:
      call 9
      r0 = 3
      exit
    `);
    assert.equal(agree(insns, MEM, { helpers: new Map([[9, stop]]) }), '0x2a');
  });

  test('tail calls run the target with the same ctx; after 33 the call falls through', () => {
    let runs = 0;
    const target: TailCallTarget = { run: (ctx) => { runs++; return ctx + 1n; } };
    const tail: HelperFn = (env) => {
      env.control = HelperControl.TailCall;
      env.tailCallTarget = target;
      return 0n;
    };
    const insns = asm('call 12\nr0 = 77\nexit');
    for (const create of [createInterpreter, createJit]) {
      const arena = new Arena();
      const exe = create({ insns }, { arena, helpers: new Map([[12, tail]]) });
      const env = newHelperContext(arena, 0x1000n);
      assert.equal(exe.run([0x1000n], env), 0x1001n);
      env.tailCalls = 33;
      assert.equal(exe.run([0x1000n], env), 77n);
    }
    assert.equal(runs, 2);
  });

  test('an unknown helper and a throwing helper fail with their errors', () => {
    assert.match(agree(asm('call 77\nexit')), /UnknownHelperError: pc 0: call to unknown helper 77/);
    const insns = asm('r1 = 1\ncall 3\nexit');
    const helpers = new Map<number, HelperFn>([[3, (env) => { throw new ExecutionError(env.pc, 'helper says no'); }]]);
    assert.throws(() => createJit({ insns }, { arena: new Arena(), helpers }).run([]), /pc 1: helper says no/);
    assert.throws(() => createJit({ insns: asm('call 77\nexit') }, { arena: new Arena(), helpers: new Map() }).run([]), UnknownHelperError);
  });

  test('a helper may run the same executable again (a callback): it gets a stack of its own', () => {
    const arena = new Arena();
    let exe: Executable | undefined;
    const callback: HelperFn = (env, r1) => (r1 > 0n ? (exe as Executable).run([r1 - 1n], env) + 100n : 0n);
    exe = createJit({ insns: asm('*(u64 *)(r10 - 8) = r1\ncall 4\nr2 = *(u64 *)(r10 - 8)\nr0 += r2\nexit') }, { arena, helpers: new Map([[4, callback]]) });
    // f(n) = f(n-1) + 100 + n
    assert.equal(exe.run([3n]), 3n + 100n + 2n + 100n + 1n + 100n + 0n);
  });

  test('bind: verified code run on a caller\'s context gives what run() gives; tail calls, helper errors, and a run inside a run', () => {
    let runs = 0;
    const target: TailCallTarget = { run: (ctx) => { runs++; return ctx + 1n; } };
    const helpers = new Map<number, HelperFn>([
      [12, (env) => { env.control = HelperControl.TailCall; env.tailCallTarget = target; return 0n; }],
      [3, (env) => { throw new ExecutionError(env.pc, 'helper says no'); }],
    ]);
    const arena = new Arena();
    const make = (text: string): Executable => createJit({ insns: asm(text) }, { arena, helpers, checked: false });
    /** The bound run, which verified code always has. */
    const bound = (exe: Executable, env = newHelperContext(arena)): ((r1: bigint) => bigint) => {
      const run = exe.bind!(env);
      assert.ok(run !== null);
      return run;
    };
    const add = bound(make('r0 = r1\nr0 += -1\nexit'));
    assert.equal(add(42n), 41n);
    assert.equal(add(0n), (1n << 64n) - 1n, 'r0 as a u64');
    assert.equal(bound(make('call 12\nr0 = 77\nexit'), newHelperContext(arena, 5n))(5n), 6n);
    assert.equal(runs, 1);
    const failing = bound(make('r1 = 1\ncall 3\nexit'));
    assert.throws(() => failing(0n), /pc 1: helper says no/);
    assert.throws(() => failing(0n), /pc 1: helper says no/, 'a failed run leaves the executable ready for the next');
    // A helper running the same executable again while the bound run is in progress: run() with a stack of its own.
    let exe: Executable | undefined;
    const callback: HelperFn = (e, r1) => (r1 > 0n ? (exe as Executable).run([r1 - 1n], newHelperContext(arena)) + 100n : 0n);
    exe = createJit({ insns: asm('*(u64 *)(r10 - 8) = r1\ncall 4\nr2 = *(u64 *)(r10 - 8)\nr0 += r2\nexit') }, { arena, helpers: new Map([[4, callback]]), checked: false });
    assert.equal(bound(exe)(2n), 2n + 100n + 1n + 100n + 0n);
    // Checked code has no bound path: its caller runs it with run().
    assert.equal(createJit({ insns: asm('r0 = 1\nexit') }, { arena, helpers }).bind!(newHelperContext(arena)), null);
  });
});

describe('jit: memory', () => {
  test('checked mode: faults carry the interpreter\'s pc, address, size, direction and region', () => {
    const cases = [
      'r0 = *(u32 *)(r1 + 62)\nexit',
      '*(u64 *)(r1 - 8) = 1\nexit',
      'r2 = 0\nr0 = *(u8 *)(r2 + 0)\nexit',
      'r2 = r10\n*(u16 *)(r2 + 0) = r1\nexit',
      'r0 = *(u64 *)(r10 - 4100)\nexit',
      'r2 = r1\nr2 += 63\nlock *(u32 *)(r2 + 0) += r1\nexit',
    ];
    for (const text of cases) {
      const insns = asm(text);
      const reference = outcomeOf(createInterpreter, insns, MEM, { budget: 100 });
      assert.match(reference.result, /MemoryAccessError/);
      assert.equal(outcomeDiff(reference, outcomeOf(createJit, insns, MEM, { budget: 100, checked: true })), null, text);
    }
    const arena = new Arena();
    const exe = createJit({ insns: asm('r2 = 0x10\nr0 = *(u8 *)(r2 + 0)\nexit') }, { arena, helpers: new Map() });
    assert.throws(() => exe.run([]), (err) => err instanceof MemoryAccessError && err.pc === 1 && err.address === 0x10n && err.size === 1 && !err.write);
  });

  test('checked mode: a read-only region refuses writes but allows reads', () => {
    assert.equal(agree(asm('r0 = *(u32 *)(r1 + 4)\nexit'), MEM, { writable: false }), '0x1613100d');
    const write = asm('*(u32 *)(r1 + 4) = 1\nexit');
    const reference = outcomeOf(createInterpreter, write, MEM, { writable: false, budget: 10 });
    assert.match(reference.result, /region is read-only/);
    assert.equal(outcomeDiff(reference, outcomeOf(createJit, write, MEM, { writable: false, budget: 10, checked: true })), null);
  });

  test('unchecked mode: an access beyond the arena is a trap mapped to its pc', () => {
    const insns = asm('r0 = 1\nr2 = r1\nr2 += 0x7ff00000\nr0 = *(u64 *)(r2 + 8)\nexit');
    const exe = createJit({ insns }, { arena: new Arena(), helpers: new Map(), checked: false });
    assert.throws(() => exe.run([0xffff_8880_0000_1000n]), (err) => err instanceof JitTrapError && err.pc === 3);
  });

  test('the stack is zeroed at every run (reads of unwritten stack give 0 in both engines)', () => {
    const insns = asm('r0 = *(u64 *)(r10 - 16)\n*(u64 *)(r10 - 16) = r10\nexit');
    for (const checked of [true, false]) {
      const exe = createJit({ insns }, { arena: new Arena(), helpers: new Map(), checked });
      assert.equal(exe.run([]), 0n);
      assert.equal(exe.run([]), 0n);
    }
    agree(insns);
  });

  test('LD_ABS and LD_IND read big-endian packet bytes; out of the packet, the frame returns 0', () => {
    const abs = (size: number, imm: number): Instruction => ({ opcode: op.BPF_LD | op.BPF_ABS | size, dst: 0, src: 0, off: 0, imm });
    const ind = (size: number, src: number, imm: number): Instruction => ({ opcode: op.BPF_LD | op.BPF_IND | size, dst: 0, src, off: 0, imm });
    const prologue = asm('r6 = r1\nr7 = 0\nr2 = 5');
    assert.equal(agree([...prologue, abs(op.BPF_W, 4), alu64K(op.BPF_ADD, 0, 0), exit()]), '0xd101316');
    assert.equal(agree([...prologue, ind(op.BPF_H, 2, 3), exit()]), '0x191c');
    assert.equal(agree([...prologue, ind(op.BPF_B, 2, 59), mov64(0, 9), exit()]), '0x0');
    assert.equal(agree([...prologue, abs(op.BPF_W, -1), mov64(0, 9), exit()]), '0x0');
    // from a callee: only the callee's frame ends
    assert.equal(agree([...prologue, callLocal(2), alu64K(op.BPF_ADD, 0, 5), exit(), abs(op.BPF_W, 62), mov64(0, 9), exit()]), '0x5');
  });
});

describe('jit: extension points and lifetime', () => {
  test('an inliner replaces a helper call with its own code and may decline', () => {
    // helper 30 = r1 + r2; the inliner emits that when r2 is a known constant, else declines.
    let inlined = 0;
    const inliner: HelperInliner = (site) => {
      const k = site.constantBefore(2);
      if (k === undefined) return false;
      inlined++;
      const e = site.emitter;
      e.get(1);
      e.i64big(k);
      e.w.u8(Op.i64_add);
      e.set(0);
      return true;
    };
    const helpers = new Map<number, HelperFn>([[30, (_env, r1, r2) => BigInt.asUintN(64, r1 + r2)]]);
    const insns = asm('r1 = 5\nr2 = 7\ncall 30\nr6 = r0\nr1 = r0\nr2 = r0\ncall 30\nr0 += r6\nexit');
    const exe = createJit({ insns }, { arena: new Arena(), helpers, inliners: new Map([[30, inliner]]) });
    assert.equal(exe.run([]), 12n + 24n);
    assert.equal(inlined, 1);
  });

  test('dispose frees the stack region; a disposed executable refuses to run', () => {
    const arena = new Arena();
    const before = arena.listRegions().length;
    const exe = createJit({ insns: [mov64(0, 1), exit()] }, { arena, helpers: new Map() });
    assert.equal(arena.listRegions().length, before + 1);
    exe.dispose();
    assert.equal(arena.listRegions().length, before);
    assert.throws(() => exe.run([]), /after dispose/);
  });

  test('malformed programs are refused as the interpreter refuses them', () => {
    for (const insns of [[], [mov64(10, 1), exit()], [ja(5), exit()], [{ opcode: 0xff, dst: 0, src: 0, off: 0, imm: 0 }]]) {
      const name = (f: () => unknown): string => {
        try {
          f();
          return 'accepted';
        } catch (err) {
          return `${(err as Error).name}: ${(err as Error).message}`;
        }
      };
      assert.equal(name(() => createJit({ insns }, { arena: new Arena(), helpers: new Map() })),
        name(() => createInterpreter({ insns }, { arena: new Arena(), helpers: new Map() })));
    }
    assert.throws(() => createJit({ insns: [...ldImm64(1, 3n, op.BPF_PSEUDO_MAP_FD), exit()] }, { arena: new Arena(), helpers: new Map() }), /unresolved pseudo source 1/);
  });

  test('budget errors report the budget, and instruction counts match the interpreter', () => {
    const insns = asm('r0 = 0\nloop:\nr0 += 1\nif r0 < 1000 goto loop\nexit');
    for (const create of [createInterpreter, createJit]) {
      const exe = create({ insns }, { arena: new Arena(), helpers: new Map(), budget: 500 });
      assert.throws(() => exe.run([]), (err) => err instanceof BudgetExceededError && err.budget === 500 && err.pc === 2);
      assert.equal(exe.lastInstructionCount, 500);
      const roomy = create({ insns }, { arena: new Arena(), helpers: new Map(), budget: 5000 });
      assert.equal(roomy.run([]), 1000n);
      assert.equal(roomy.lastInstructionCount, 2002);
    }
  });
});
