// Control in the interpreter: budget, trace hook, bpf-to-bpf frames, helper
// dispatch and control requests, tail calls, legacy packet loads.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HelperControl, newHelperContext, type HelperFn, type HelperTable } from '../../src/engine/abi.js';
import { BudgetExceededError, ExecutionError, UnknownHelperError } from '../../src/engine/errors.js';
import { createInterpreter, MAX_TAIL_CALLS, UnresolvedReferenceError } from '../../src/engine/interpreter/index.js';
import { DecodeError } from '../../src/isa/errors.js';
import * as op from '../../src/isa/opcodes.js';
import { ARENA_BASE_HI, Arena } from '../../src/memory/arena.js';
import { alu64K, alu64X, call, callLocal, exit, insn, ja, jmpK, lddw, ldx, mov64, movReg, st } from './build.js';
import { load, run } from './run.js';

describe('budget', () => {
  test('an endless loop stops with BudgetExceededError after exactly the budget', () => {
    // slot 0 once, then slots 1, 2 in turn: the 1001st instruction would be slot 2.
    const l = load([mov64(0, 0), alu64K(op.BPF_ADD, 0, 1), ja(-2), exit()], undefined, { budget: 1000 });
    assert.throws(() => l.run(), (err: unknown) => err instanceof BudgetExceededError && err.pc === 2 && err.budget === 1000);
    assert.equal(l.count(), 1000);
  });
  test('a program within its budget runs; lastInstructionCount counts lddw once', () => {
    const l = load([...lddw(0, 5n), alu64K(op.BPF_ADD, 0, 1), exit()], undefined, { budget: 3 });
    assert.equal(l.run(), 6n);
    assert.equal(l.count(), 3);
  });
});

describe('trace hook', () => {
  test('is called before each instruction with pc and r0..r10 as bigints', () => {
    const seen: Array<[number, bigint[]]> = [];
    const l = load([mov64(0, -1), alu64K(op.BPF_ADD, 0, 2), exit()], undefined, { trace: (pc, regs) => seen.push([pc, [...regs]]) });
    assert.equal(l.run(), 1n);
    assert.deepEqual(seen.map(([pc]) => pc), [0, 1, 2]);
    assert.equal(seen[0][1].length, 11);
    assert.equal(seen[1][1][0], 0xffffffffffffffffn);
    assert.equal(seen[2][1][0], 1n);
    assert.equal(seen[0][1][10] >> 32n, BigInt(ARENA_BASE_HI >>> 0));
  });
  test('works together with a budget', () => {
    let calls = 0;
    const l = load([ja(-1)], undefined, { budget: 10, trace: () => calls++ });
    assert.throws(() => l.run(), BudgetExceededError);
    assert.equal(calls, 10);
  });
});

describe('bpf-to-bpf calls', () => {
  test('r1..r5 are passed, r6..r9 preserved, r0 returned', () => {
    const insns = [
      mov64(1, 1), mov64(2, 2), mov64(6, 6), mov64(9, 9), callLocal(3),
      alu64X(op.BPF_ADD, 0, 6), alu64X(op.BPF_ADD, 0, 9), exit(),
      // f: r0 = r1 + r2; clobber r6, r9
      movReg(0, 1), alu64X(op.BPF_ADD, 0, 2), mov64(6, 100), mov64(9, 100), exit(),
    ];
    assert.equal(run(insns), 3n + 6n + 9n);
  });
  test('each frame has its own 512 bytes of stack and r10', () => {
    // main: *(r10-8) = 1; r7 = r10; call f; r0 += *(r10-8); exit.
    // f: r0 = r7 - r10 (512: the callee's frame lies below); *(r10-8) = 40 (its own slot); exit.
    const insns = [
      st(op.BPF_DW, 10, -8, 1), movReg(7, 10), callLocal(3), ldx(op.BPF_DW, 1, 10, -8), alu64X(op.BPF_ADD, 0, 1), exit(),
      movReg(0, 7), alu64X(op.BPF_SUB, 0, 10), st(op.BPF_DW, 10, -8, 40), exit(),
    ];
    assert.equal(run(insns), 513n);
  });
  test('eight frames are allowed, a ninth is refused', () => {
    // main: r1 = depth; call f; exit.  f: if r1 == 0 goto done; r1 -= 1; call f; exit; done: r0 = 7; exit
    const f = [jmpK(op.BPF_JEQ, 1, 0, 3), alu64K(op.BPF_SUB, 1, 1), callLocal(-3), exit(), mov64(0, 7), exit()];
    assert.equal(run([mov64(1, 6), callLocal(1), exit(), ...f]), 7n);
    assert.throws(() => run([mov64(1, 7), callLocal(1), exit(), ...f]),
      (err: unknown) => err instanceof ExecutionError && err.pc === 5 && /at most 8 frames/.test(err.message));
  });
  test('exit from a sub-program returns to the instruction after the call', () => {
    assert.equal(run([callLocal(2), alu64K(op.BPF_ADD, 0, 1), exit(), mov64(0, 10), exit()]), 11n);
  });
});

describe('helpers', () => {
  test('an unknown helper id throws UnknownHelperError', () => {
    assert.throws(() => run([call(99), exit()]), (err: unknown) => err instanceof UnknownHelperError && err.helperId === 99 && err.pc === 0);
  });
  test('HelperControl.Exit ends the program from any depth with exitValue', () => {
    const stop: HelperFn = (env) => {
      env.control = HelperControl.Exit;
      env.exitValue = 77n;
      return 1n;
    };
    const helpers: HelperTable = new Map([[1, stop]]);
    assert.equal(run([callLocal(2), mov64(0, 1), exit(), call(1), mov64(0, 2), exit()], undefined, { helpers }), 77n);
  });
  test('helpers see pc and ctx; the arena may grow under them', () => {
    const arena = new Arena(65536);
    let pcSeen = -1;
    const grow: HelperFn = (env) => {
      pcSeen = env.pc;
      const at = env.arena.alloc(1 << 20);
      env.arena.bytes[at] = 0x42;
      env.arena.addRegion(at, 1 << 20, 'mem', 'grown');
      return env.arena.pointer(at);
    };
    const l = load([st(op.BPF_B, 10, -1, 9), call(1), ldx(op.BPF_B, 1, 0, 0), ldx(op.BPF_B, 0, 10, -1), alu64X(op.BPF_ADD, 0, 1), exit()],
      undefined, { arena, helpers: new Map([[1, grow]]) });
    assert.equal(l.run(), 0x42n + 9n);
    assert.equal(pcSeen, 1);
  });
  test('a helper may run the program again (nested run with its own stack)', () => {
    const arena = new Arena();
    let depth = 0;
    // r6 = r1; *(r10-8) = r1; if r1 == 0 goto +1; call 1; r0 = *(r10-8) ; r0 += r6 ... keeps its own stack value
    const insns = [movReg(6, 1), insn(op.BPF_STX | op.BPF_MEM | op.BPF_DW, 10, 1, -8), jmpK(op.BPF_JEQ, 1, 0, 2), mov64(1, 0), call(1),
      ldx(op.BPF_DW, 0, 10, -8), exit()];
    const exe = createInterpreter({ insns }, {
      arena,
      helpers: new Map([[1, () => { depth++; return exe.run([0n]); }]]),
    });
    assert.equal(exe.run([5n]), 5n);
    assert.equal(depth, 1);
  });
});

describe('tail calls', () => {
  test('TailCall ends this program and runs the target with the same ctx and env', () => {
    const arena = new Arena();
    const target = createInterpreter({ insns: [movReg(0, 1), alu64K(op.BPF_ADD, 0, 1000), exit()] }, { arena, helpers: new Map() });
    const tail: HelperFn = (env) => {
      env.control = HelperControl.TailCall;
      env.tailCallTarget = { run: (ctx, e) => target.run([ctx], e) };
      return 0n;
    };
    const exe = createInterpreter({ insns: [call(12), mov64(0, -1), exit()] }, { arena, helpers: new Map([[12, tail]]) });
    const env = newHelperContext(arena, 5n);
    assert.equal(exe.run([5n], env), 1005n);
    assert.equal(env.tailCalls, 1);
  });
  test(`at most ${MAX_TAIL_CALLS} tail calls; past that the call fails and the program goes on`, () => {
    const arena = new Arena();
    let self: ReturnType<typeof createInterpreter>;
    const tail: HelperFn = (env) => {
      env.control = HelperControl.TailCall;
      env.tailCallTarget = { run: (ctx, e) => self.run([ctx], e) };
      return -2n;
    };
    // Every run tail-calls itself; the 34th attempt fails and that run returns 99.
    self = createInterpreter({ insns: [call(12), mov64(0, 99), exit()] }, { arena, helpers: new Map([[12, tail]]) });
    const env = newHelperContext(arena, 0n);
    assert.equal(self.run([0n], env), 99n);
    assert.equal(env.tailCalls, MAX_TAIL_CALLS);
  });
  test('a TailCall without a target fails and the program goes on', () => {
    const tail: HelperFn = (env) => {
      env.control = HelperControl.TailCall;
      return 0n;
    };
    assert.equal(run([call(12), mov64(0, 3), exit()], undefined, { helpers: new Map([[12, tail]]) }), 3n);
  });
});

describe('legacy packet loads (LD_ABS, LD_IND)', () => {
  const packet = Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc]);
  const ldAbs = (size: number, imm: number) => insn(op.BPF_LD | op.BPF_ABS | size, 0, 0, 0, imm);
  const ldInd = (size: number, src: number, imm: number) => insn(op.BPF_LD | op.BPF_IND | size, 0, src, 0, imm);
  test('read big-endian from the packet of the skb in r6', () => {
    assert.equal(run([movReg(6, 1), ldAbs(op.BPF_H, 1), exit()], packet), 0x3456n);
    assert.equal(run([movReg(6, 1), ldAbs(op.BPF_W, 2), exit()], packet), 0x56789abcn);
    assert.equal(run([movReg(6, 1), ldAbs(op.BPF_B, 5), exit()], packet), 0xbcn);
    assert.equal(run([movReg(6, 1), mov64(7, 3), ldInd(op.BPF_B, 7, 1), exit()], packet), 0x9an);
    assert.equal(run([movReg(6, 1), mov64(7, 6), ldInd(op.BPF_H, 7, -2), exit()], packet), 0x9abcn);
  });
  test('a load outside the packet ends the program with 0', () => {
    assert.equal(run([movReg(6, 1), mov64(0, 5), ldAbs(op.BPF_W, 3), mov64(0, 9), exit()], packet), 0n);
    assert.equal(run([movReg(6, 1), mov64(7, -1), ldInd(op.BPF_B, 7, 0), mov64(0, 9), exit()], packet), 0n);
  });
  test('in a sub-program, a failed load exits that sub-program with 0', () => {
    assert.equal(run([movReg(6, 1), callLocal(2), alu64K(op.BPF_ADD, 0, 1), exit(), ldAbs(op.BPF_W, 100), exit()], packet), 1n);
  });
  test('a custom resolver finds the packet of an skb', () => {
    const arena = new Arena();
    const at = arena.alloc(4);
    arena.bytes.set([0xde, 0xad, 0xbe, 0xef], at);
    arena.addRegion(at, 4, 'packet', 'packet');
    const exe = createInterpreter({ insns: [movReg(6, 1), ldAbs(op.BPF_W, 0), exit()] }, {
      arena, helpers: new Map(), skbPacket: (skb) => (skb === 0x5ebn ? { offset: at, length: 4 } : null),
    });
    assert.equal(exe.run([0x5ebn]), 0xdeadbeefn);
    assert.equal(exe.run([1n]), 0n);
  });
});

describe('refused programs', () => {
  test('invalid instructions are refused at creation with the slot', () => {
    assert.throws(() => createInterpreter({ insns: [insn(0x07, 0, 0, 1, 1), exit()] }, { arena: new Arena(), helpers: new Map() }),
      (err: unknown) => err instanceof DecodeError && err.index === 0);
    assert.throws(() => createInterpreter({ insns: [mov64(10, 0), exit()] }, { arena: new Arena(), helpers: new Map() }), /frame pointer is read only/);
  });
  test('an unresolved map reference is refused at creation', () => {
    assert.throws(() => createInterpreter({ insns: [...lddw(1, 3n, op.BPF_PSEUDO_MAP_FD), exit()] }, { arena: new Arena(), helpers: new Map() }),
      (err: unknown) => err instanceof UnresolvedReferenceError && err.index === 0);
  });
  test('running off the end is an ExecutionError', () => {
    assert.throws(() => run([mov64(0, 1)]), (err: unknown) => err instanceof ExecutionError && err.pc === 1 && /fell off the end/.test(err.message));
  });
  test('kfunc calls are refused at run time', () => {
    assert.throws(() => run([insn(op.BPF_JMP | op.BPF_CALL, 0, op.BPF_PSEUDO_KFUNC_CALL, 0, 5), exit()]), /kfunc/);
  });
});
