// `call`, `callx` and `exit`: spelled nearly alike in both syntaxes, so one parser serves both.
import * as op from '../opcodes.js';
import type { Cursor } from './cursor.js';
import { imm32, isLiteralStart, isRegisterToken, parseImm32, parseLiteral, parseRegister, parseTarget, type Imm32Rule } from './operands.js';
import { insn, single, targeted, type Statement } from './statement.js';

const CALL = op.BPF_JMP | op.BPF_CALL;
const CALLX = op.BPF_JMP | op.BPF_CALL | op.BPF_X;

export const EXIT_INSN = (): Statement => single(insn(op.BPF_JMP | op.BPF_EXIT));

/**
 * After `call`:
 * - `local f` / `local +3`, `pc+3` (the kernel's listing), a label: bpf-to-bpf call (src 1);
 * - `helper 5`, `5`, `bpf_map_lookup_elem#1` (the kernel's listing): helper call by id;
 * - a negative number: a bpf-to-bpf call, since helper ids are never negative
 *   and llvm-objdump prints backward local calls that way;
 * - `runtime 7` / `kfunc 7`: kfunc call (src 2);
 * - a register (`call %r2`): callx, register in dst as Linux and LLVM 19 encode it.
 */
export function parseCall(c: Cursor, rule: Imm32Rule): Statement {
  const mode = c.peek();
  if (mode === undefined) throw c.errorAtEnd('expected call target');
  if (isRegisterToken(mode)) return callx(c);
  if (mode.kind === 'ident' && c.at('#', 1)) {
    c.next('helper name');
    c.next('#');
    return helper(c, parseImm32(c, rule), op.BPF_HELPER_CALL);
  }
  const word = mode.kind === 'ident' ? mode.text.toLowerCase() : '';
  if (word === 'local') {
    c.next('local');
    return local(c);
  }
  if (word === 'helper') {
    c.next('helper');
    if (isRegisterToken(c.peek())) return callx(c);
    return helper(c, parseImm32(c, rule), op.BPF_HELPER_CALL);
  }
  if (word === 'runtime' || word === 'kfunc') {
    c.next(word);
    return helper(c, parseImm32(c, rule), op.BPF_PSEUDO_KFUNC_CALL);
  }
  if (isLiteralStart(c)) {
    const lit = parseLiteral(c, 'helper id');
    if (lit.value < 0n) {
      return targeted(c, insn(CALL, 0, op.BPF_PSEUDO_CALL), { kind: 'offset', value: lit.value, token: lit.token }, 'imm');
    }
    return helper(c, imm32(c, lit, rule), op.BPF_HELPER_CALL);
  }
  return local(c);
}

export function callx(c: Cursor): Statement {
  const r = parseRegister(c);
  c.end();
  return single(insn(CALLX, r.reg));
}

function local(c: Cursor): Statement {
  const target = parseTarget(c);
  c.end();
  return targeted(c, insn(CALL, 0, op.BPF_PSEUDO_CALL), target, 'imm');
}

function helper(c: Cursor, id: number, src: number): Statement {
  c.end();
  return single(insn(CALL, 0, src, 0, id));
}
