// Random programs that no verifier would accept, for comparing engines on
// what unverified code may do: jumps anywhere (backward, into loops,
// irreducible graphs), calls to any slot and recursion past the frame limit,
// callx with function addresses and helper ids, loads and stores through
// any register (memory faults) and through bare arena offsets, division by registers that may be zero,
// reads of uninitialised registers, legacy packet loads, helpers that end
// the program or tail-call, and runs that exhaust their budget. Every
// program is well formed (validateInstructions accepts it).
import fc from 'fast-check';
import { HelperControl, type HelperFn, type HelperTable, type TailCallTarget } from '../../src/engine/abi.js';
import { MemoryAccessError } from '../../src/memory/errors.js';
import type { Instruction } from '../../src/isa/instruction.js';
import { ldImm64 } from '../../src/isa/instruction.js';
import * as op from '../../src/isa/opcodes.js';

/** Instruction budget of a wild run: loops end by exhausting it. */
export const WILD_BUDGET = 3000;
/** Bytes of the memory block (r1) of a wild run. */
export const WILD_MEM = 96;

export interface WildProgram {
  readonly insns: Instruction[];
  readonly mem: Uint8Array;
}

/** r9 only ever holds a function address (lddw BPF_PSEUDO_FUNC) or 0, so callx r9 never lands between functions. */
const FUNC_REG = 9;
const DST_REGS = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const ANY_REG = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

const insn = (opcode: number, dst = 0, src = 0, off = 0, imm = 0): Instruction => ({ opcode, dst, src, off, imm });

const imm = fc.oneof(
  fc.constantFrom(0, 1, -1, 2, 7, 8, 31, 32, 63, 64, 0xff, 0x7fff_ffff, -0x8000_0000),
  fc.integer({ min: -64, max: 64 }),
  fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
);
const dstReg = fc.constantFrom(...DST_REGS);
const anyReg = fc.constantFrom(...ANY_REG);
const size = fc.constantFrom(op.BPF_B, op.BPF_H, op.BPF_W, op.BPF_DW);

/** A slot to be laid out: fixed instructions, or a jump/call whose target is chosen among the program's slots. */
type Piece =
  | { readonly kind: 'fixed'; readonly insns: Instruction[] }
  | { readonly kind: 'jump'; readonly insn: Instruction; readonly to: number; readonly field: 'off' | 'imm' }
  | { readonly kind: 'func'; readonly to: number };

const fixed = (insns: Instruction[]): Piece => ({ kind: 'fixed', insns });

const ALU_CODES = [op.BPF_ADD, op.BPF_SUB, op.BPF_MUL, op.BPF_DIV, op.BPF_OR, op.BPF_AND, op.BPF_LSH, op.BPF_RSH,
  op.BPF_MOD, op.BPF_XOR, op.BPF_MOV, op.BPF_ARSH];
const JMP_CODES = [op.BPF_JEQ, op.BPF_JGT, op.BPF_JGE, op.BPF_JSET, op.BPF_JNE, op.BPF_JSGT, op.BPF_JSGE, op.BPF_JLT,
  op.BPF_JLE, op.BPF_JSLT, op.BPF_JSLE];
const ATOMIC_OPS = [op.BPF_ADD, op.BPF_OR, op.BPF_AND, op.BPF_XOR, op.BPF_ADD | op.BPF_FETCH, op.BPF_OR | op.BPF_FETCH,
  op.BPF_AND | op.BPF_FETCH, op.BPF_XOR | op.BPF_FETCH, op.BPF_XCHG, op.BPF_CMPXCHG];

const alu = fc.tuple(fc.boolean(), fc.constantFrom(...ALU_CODES), fc.boolean(), dstReg, anyReg, imm, fc.boolean())
  .map(([wide, code, x, dst, src, value, signed]) => {
    const cls = wide ? op.BPF_ALU64 : op.BPF_ALU;
    const off = (code === op.BPF_DIV || code === op.BPF_MOD) && signed ? 1 : 0;
    return fixed([insn(cls | code | (x ? op.BPF_X : op.BPF_K), dst, x ? src : 0, off, x ? 0 : value)]);
  });

const unary = fc.tuple(fc.integer({ min: 0, max: 6 }), dstReg, anyReg).map(([kind, dst, src]) => {
  switch (kind) {
    case 0: return fixed([insn(op.BPF_ALU64 | op.BPF_NEG, dst)]);
    case 1: return fixed([insn(op.BPF_ALU | op.BPF_NEG, dst)]);
    case 2: return fixed([insn(op.BPF_ALU | op.BPF_END | op.BPF_TO_LE, dst, 0, 0, [16, 32, 64][src % 3])]);
    case 3: return fixed([insn(op.BPF_ALU | op.BPF_END | op.BPF_TO_BE, dst, 0, 0, [16, 32, 64][src % 3])]);
    case 4: return fixed([insn(op.BPF_ALU64 | op.BPF_END, dst, 0, 0, [16, 32, 64][src % 3])]);
    case 5: return fixed([insn(op.BPF_ALU64 | op.BPF_MOV | op.BPF_X, dst, src, [8, 16, 32][src % 3])]);
    default: return fixed([insn(op.BPF_ALU | op.BPF_MOV | op.BPF_X, dst, src, [8, 16][src % 2])]);
  }
});

const lddw = fc.tuple(dstReg, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })).map(([dst, v]) => fixed(ldImm64(dst, v)));

/** Base register and offset: mostly the memory block (r1) or the stack (r10), sometimes anything. */
const address = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constant(1), fc.integer({ min: -8, max: WILD_MEM + 8 })) },
  { weight: 4, arbitrary: fc.tuple(fc.constant(10), fc.integer({ min: -520, max: 8 })) },
  { weight: 1, arbitrary: fc.tuple(anyReg, fc.integer({ min: -0x8000, max: 0x7fff })) },
);

const memory = fc.tuple(fc.integer({ min: 0, max: 5 }), size, address, dstReg, anyReg, imm, fc.constantFrom(...ATOMIC_OPS))
  .map(([kind, sz, [base, off], dst, src, value, aop]) => {
    switch (kind) {
      // a bare arena offset (the low half of a pointer, as 32-bit ctx fields hold them), then a load through it
      case 5: return fixed([insn(op.BPF_ALU | op.BPF_MOV | op.BPF_X, dst, base), insn(op.BPF_LDX | op.BPF_MEM | sz, dst, dst, off)]);
      case 0: return fixed([insn(op.BPF_LDX | op.BPF_MEM | sz, dst, base, off)]);
      case 1: return fixed([insn(op.BPF_LDX | (sz === op.BPF_DW ? op.BPF_MEM : op.BPF_MEMSX) | sz, dst, base, off)]);
      case 2: return fixed([insn(op.BPF_STX | op.BPF_MEM | sz, base, src, off)]);
      case 3: return fixed([insn(op.BPF_ST | op.BPF_MEM | sz, base, 0, off, value)]);
      default: return fixed([insn(op.BPF_STX | op.BPF_ATOMIC | (sz === op.BPF_DW || sz === op.BPF_B ? op.BPF_DW : op.BPF_W), base, src >= FUNC_REG ? 0 : src, off, aop)]);
    }
  });

const packet = fc.tuple(fc.boolean(), fc.constantFrom(op.BPF_B, op.BPF_H, op.BPF_W), anyReg, fc.integer({ min: -4, max: WILD_MEM + 4 }))
  .map(([ind, sz, src, off]) => fixed([insn(op.BPF_LD | (ind ? op.BPF_IND : op.BPF_ABS) | sz, 0, ind ? src : 0, 0, off)]));

const target = fc.nat();
const jump = fc.tuple(fc.boolean(), fc.constantFrom(...JMP_CODES), fc.boolean(), anyReg, anyReg, imm, target)
  .map(([wide, code, x, dst, src, value, to]): Piece => ({
    kind: 'jump',
    insn: insn((wide ? op.BPF_JMP : op.BPF_JMP32) | code | (x ? op.BPF_X : op.BPF_K), dst, x ? src : 0, 0, x ? 0 : value),
    to,
    field: 'off',
  }));
const goto = fc.tuple(fc.boolean(), target).map(([long, to]): Piece => ({
  kind: 'jump', insn: insn(long ? op.BPF_JMP32 | op.BPF_JA : op.BPF_JMP | op.BPF_JA), to, field: long ? 'imm' : 'off',
}));
const localCall = target.map((to): Piece => ({ kind: 'jump', insn: insn(op.BPF_JMP | op.BPF_CALL, 0, op.BPF_PSEUDO_CALL), to, field: 'imm' }));
const funcAddress = target.map((to): Piece => ({ kind: 'func', to }));
const helperCall = fc.constantFrom(1, 1, 2, 3, 4, 5, 99).map((id) => fixed([insn(op.BPF_JMP | op.BPF_CALL, 0, 0, 0, id)]));
const callx = fc.oneof(
  fc.constant(fixed([insn(op.BPF_JMP | op.BPF_CALL | op.BPF_X, FUNC_REG)])),
  fc.tuple(dstReg, fc.constantFrom(1, 2, 5, 99, -1)).map(([r, id]) => fixed([
    insn(op.BPF_ALU64 | op.BPF_MOV | op.BPF_K, r, 0, 0, id),
    insn(op.BPF_JMP | op.BPF_CALL | op.BPF_X, r),
  ])),
);
const exit = fc.constant(fixed([insn(op.BPF_JMP | op.BPF_EXIT)]));

const piece: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 8, arbitrary: alu },
  { weight: 2, arbitrary: unary },
  { weight: 1, arbitrary: lddw },
  { weight: 6, arbitrary: memory },
  { weight: 1, arbitrary: packet },
  { weight: 5, arbitrary: jump },
  { weight: 2, arbitrary: goto },
  { weight: 1, arbitrary: localCall },
  { weight: 1, arbitrary: funcAddress },
  { weight: 2, arbitrary: helperCall },
  { weight: 1, arbitrary: callx },
  { weight: 3, arbitrary: exit },
);

/** Lays pieces out; each jump, call or function address gets a target among the instruction starts. */
function layout(pieces: readonly Piece[], mem: Uint8Array): WildProgram {
  const prologue = [insn(op.BPF_ALU64 | op.BPF_MOV | op.BPF_X, 6, 1)];
  const starts: number[] = [0];
  let at = prologue.length;
  for (const p of pieces) {
    const slots = p.kind === 'fixed' ? p.insns.map((i) => (i.opcode === op.LD_IMM64 ? 2 : i.opcode === 0 ? 0 : 1)) : [p.kind === 'func' ? 2 : 1];
    for (const n of slots) {
      if (n === 0) continue;
      starts.push(at);
      at += n;
    }
  }
  starts.push(at); // the final exit
  const insns: Instruction[] = [...prologue];
  for (const p of pieces) {
    const pc = insns.length;
    if (p.kind === 'fixed') {
      insns.push(...p.insns);
    } else if (p.kind === 'func') {
      const [lo, hi] = ldImm64(FUNC_REG, 0n, op.BPF_PSEUDO_FUNC);
      insns.push({ ...lo, imm: starts[p.to % starts.length] - pc - 1 }, hi);
    } else {
      const rel = starts[p.to % starts.length] - pc - 1;
      insns.push(p.field === 'off' ? { ...p.insn, off: rel } : { ...p.insn, imm: rel });
    }
  }
  insns.push(insn(op.BPF_JMP | op.BPF_EXIT));
  return { insns, mem };
}

export function wildProgram(): fc.Arbitrary<WildProgram> {
  return fc.tuple(fc.array(piece, { minLength: 1, maxLength: 32 }), fc.uint8Array({ minLength: WILD_MEM, maxLength: WILD_MEM }))
    .map(([pieces, mem]) => layout(pieces, mem));
}

/** A tail-call target that just answers. */
const answer: TailCallTarget = { run: (ctx) => 0x7a11_ca11n ^ (ctx & 0xffn) };

/**
 * Helpers of wild runs: 1 = r1 + r2; 2 = ends the program with r1 when r1
 * is odd, else returns r2; 3 = stores r2 at r1 (8 bytes, checked against the
 * regions); 4 = tail call; 5 = the conformance suite's unwind. 99 is absent.
 */
export function wildHelpers(): HelperTable {
  const helpers = new Map<number, HelperFn>([
    [1, (_env, r1, r2) => BigInt.asUintN(64, r1 + r2)],
    [2, (env, r1, r2) => {
      if ((r1 & 1n) === 1n) {
        env.control = HelperControl.Exit;
        env.exitValue = r1;
      }
      return r2;
    }],
    [3, (env, r1, r2) => {
      const offset = env.arena.offsetOf(r1);
      if (offset < 0) throw new MemoryAccessError(env.pc, BigInt.asUintN(64, r1), 8, true, null, 'helper 3');
      env.arena.check(env.pc, offset, 8, true);
      env.arena.view.setBigUint64(offset, BigInt.asUintN(64, r2), true);
      return 0n;
    }],
    [4, (env) => {
      env.control = HelperControl.TailCall;
      env.tailCallTarget = answer;
      return 0xfffff_fffen;
    }],
    [5, (env, r1) => {
      if (r1 === 0n) {
        env.control = HelperControl.Exit;
        env.exitValue = 0n;
      }
      return r1;
    }],
  ]);
  return helpers;
}
