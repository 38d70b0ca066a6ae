// Every way the assembler refuses its input, with line and column, and fuzzing:
// no input makes it throw anything but AsmError or emit an out-of-range field.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AsmError, assemble, assembleConformance, assembleLlvm, type Instruction } from '../../src/isa/index.js';
import { listConformance } from '../support/conformance.js';

function refuses(text: string, line: number, column: number, reason: RegExp, run: (t: string) => Instruction[] = assemble): void {
  assert.throws(() => run(text), (e: unknown) => {
    assert.ok(e instanceof AsmError, `${text}: ${String(e)}`);
    assert.match(e.reason, reason, text);
    assert.deepEqual([e.line, e.column], [line, column], `${text}: ${e.reason}`);
    return true;
  });
}

describe('asm: refusals', () => {
  it('unknown mnemonic', () => {
    refuses('mov %r0, 1\n  ldxq %r0, %r1', 2, 3, /^unknown mnemonic 'ldxq'/);
    refuses('movsx3232 %r0, %r1', 1, 1, /^unknown mnemonic/);
    refuses('lock nand [%r1+0], %r2', 1, 6, /^unknown mnemonic 'lock nand'/);
    refuses('r0 = 1', 1, 1, /^unknown mnemonic 'r0' \(conformance syntax\)/, assembleConformance);
    refuses('mov %r0, 1', 1, 1, /^unknown mnemonic 'mov' \(llvm syntax\)/, assembleLlvm);
    refuses('%r0 = 1', 1, 1, /^unknown mnemonic '%r0'/);
  });

  it('wrong operand count', () => {
    refuses('lddw %r0', 1, 1, /^wrong operand count: 'lddw' takes 2 operands, got 1/);
    refuses('exit %r0', 1, 6, /^unexpected '%r0'/);
    refuses('neg %r0, %r1', 1, 1, /^wrong operand count: 'neg' takes 1 operand, got 2/);
    refuses('jeq %r0, 1', 1, 1, /^wrong operand count: 'jeq' takes 3 operands, got 2/);
    refuses('lock', 1, 1, /^wrong operand count: 'lock' takes an operation and 2 operands/);
    refuses('lock fetch add [%r10-8]', 1, 1, /^wrong operand count: 'lock add' takes 2 operands, got 1/);
    refuses('mov %r0,', 1, 9, /^operand 2 of 'mov' is empty/);
  });

  it('bad registers', () => {
    refuses('mov %r11, 1', 1, 5, /^invalid register '%r11'/);
    refuses('or %r0, %r50', 1, 9, /^invalid register '%r50'/);
    refuses('mov %x1, 1', 1, 5, /^invalid register '%x1'/);
    refuses('mov %w1, 1', 1, 5, /^invalid register '%w1'/);
    refuses('r11 = 1', 1, 1, /^invalid register 'r11'/);
    refuses('w0 = w16', 1, 6, /^invalid register 'w16'/);
    refuses('r1 = *(u64 *)(w2 + 0)', 1, 15, /^address register must be r2/);
    refuses('w1 += r2', 1, 7, /^register 'r2' must be w2/);
    refuses('mov %r0, foo', 1, 10, /^expected immediate but found 'foo'/);
  });

  it('immediates out of range', () => {
    refuses('mov32 %r0, 2147483648', 1, 12, /^immediate out of range: 2147483648 \(allowed -2147483648\.\.2147483647\)/);
    refuses('mov32 %r0, 0x100000000', 1, 12, /^immediate out of range: 0x100000000/);
    refuses('mov32 %r0, -2147483649', 1, 12, /^immediate out of range: -2147483649/);
    refuses('r0 = 4294967296', 1, 6, /^immediate out of range: 4294967296 \(allowed -2147483648\.\.0xffffffff\)/);
    refuses('r0 = 0x1122334455667788', 1, 6, /^immediate out of range/);
    refuses('lddw %r0, 0x10000000000000000', 1, 11, /^immediate out of range/);
    refuses('r0 = 18446744073709551616 ll', 1, 6, /^immediate out of range/);
    refuses('stw [%r1+0], 4294967296', 1, 14, /^immediate out of range/);
    refuses('mov %r0, 12abc', 1, 10, /^invalid number '12abc'/);
  });

  it('offsets out of range', () => {
    refuses('ldxb %r0, [%r1+0x10000]', 1, 15, /^offset out of range: 0x10000 \(allowed -32768\.\.32767\)/);
    refuses('stxdw [%r10-32769], %r1', 1, 12, /^offset out of range: -32769/);
    refuses('r0 = *(u8 *)(r1 + 32768)', 1, 17, /^offset out of range: 32768/);
    refuses('ldxb %r0, %r1', 1, 11, /^expected memory operand \[%rN\+offset\] but found '%r1'/);
  });

  it('undefined and duplicate labels', () => {
    refuses('ja NOT_A_LABEL\nexit', 1, 4, /^undefined label 'NOT_A_LABEL'/);
    refuses('if r1 > 2 goto LBB0_9\nexit', 1, 16, /^undefined label 'LBB0_9'/);
    refuses('call local nowhere\nexit', 1, 12, /^undefined label 'nowhere'/);
    refuses('r1 = nowhere ll\nexit', 1, 6, /^undefined label 'nowhere'/);
    refuses('ja exit', 1, 4, /^undefined label 'exit'/); // no exit instruction to stand for it
    refuses('a:\nexit\n  a: exit', 3, 3, /^duplicate label 'a' \(first defined on line 1\)/);
  });

  it('jumps out of range', () => {
    refuses('ja +32768', 1, 4, /^jump out of range: 32768 does not fit a 16-bit offset/);
    refuses('goto -32769', 1, 6, /^jump out of range/);
    refuses('gotol +2147483648', 1, 7, /^jump out of range: 2147483648 does not fit a 32-bit offset/);
    const far = ['ja far', ...Array<string>(32768).fill('mov %r0, 0'), 'far: exit'].join('\n');
    refuses(far, 1, 4, /^jump out of range: label 'far' is 32768 slots away, beyond a 16-bit offset/);
    const near = ['ja far', ...Array<string>(32767).fill('mov %r0, 0'), 'far: exit'].join('\n');
    assert.equal(assemble(near)[0].off, 32767);
    const ja32 = ['ja32 far', ...Array<string>(32768).fill('mov %r0, 0'), 'far: exit'].join('\n');
    assert.equal(assemble(ja32)[0].imm, 32768);
  });

  it('unknown directives and characters', () => {
    refuses('.text\n  .frobnicate 3\nexit', 2, 3, /^unknown directive '\.frobnicate'/);
    refuses('mov %r0, 1 @', 1, 12, /^unexpected character '@'/);
    refuses('mov %r0, "1"', 1, 10, /^unexpected character '"'/);
    refuses('mov\t%r0, \u0001', 1, 10, /^unexpected character '\\x01'/);
    refuses('.section .text.x,"ax"\nexit\n.section xdp,"ax"\nexit', 4, 1, /^instructions in section 'xdp' after section '.text.x'/);
  });

  it('malformed LLVM statements', () => {
    refuses('if r1 >> 2 goto +1', 1, 7, /^unknown comparison '>>'/);
    refuses('if r1 > 2 +1', 1, 11, /^expected 'goto' but found '\+'/);
    refuses('r1 = -r2', 1, 7, /^negation works in place/);
    refuses('r1 = be16 r2', 1, 11, /works in place/);
    refuses('w1 = 1 ll', 1, 1, /^a 64-bit immediate needs r1/);
    refuses('r1 = *(u128 *)(r2 + 0)', 1, 8, /^expected u8, u16, u32 or u64 but found 'u128'/);
    refuses('r1 = *(s64 *)(r2 + 0)', 1, 8, /^sign-extending loads take s8, s16 or s32/);
    refuses('w1 = *(u64 *)(r2 + 0)', 1, 1, /^a u64 load needs r1/);
    refuses('*(u64 *)(r1 + 0) = w2', 1, 20, /^a 64-bit access needs r2/);
    refuses('lock *(u8 *)(r1 + 0) += r2', 1, 8, /^atomic operations take u32 or u64/);
    refuses('lock *(u64 *)(r1 + 0) -= r2', 1, 23, /^unknown atomic operator '-='/);
    refuses('r2 = atomic_fetch_add((u64 *)(r1 + 0), r3)', 1, 40, /returns the old value in its source register/);
    refuses('r1 = cmpxchg_64(r1 + 0, r0, r2)', 1, 1, /^cmpxchg compares with and writes r0/);
    refuses('r1 = *(u8 *)skb[12]', 1, 1, /^packet loads always write r0/);
    refuses('w0 = (s32)w1', 1, 7, /^'\(s32\)' needs 64-bit registers/);
    refuses('r1 = atomic_frob((u64 *)(r1 + 0), r1)', 1, 6, /^unknown atomic operation 'atomic_frob'/);
    refuses('r1 s+= 2', 1, 5, /^unknown operator 's\+='/);
    refuses('r1 =', 1, 5, /^expected a value after '=' at end of line/);
    refuses('goto', 1, 5, /^expected jump target at end of line/);
    refuses('call', 1, 5, /^expected call target at end of line/);
  });
});

describe('asm: accepted forms of the suite\'s syntax', () => {
  const slots = (text: string): Instruction[] => assemble(text);
  it('encodes each kind as the suite expects', () => {
    assert.deepEqual(slots('add64 %r1, -3')[0], { opcode: 0x07, dst: 1, src: 0, off: 0, imm: -3 });
    assert.deepEqual(slots('sdiv32 %r1, %r2')[0], { opcode: 0x3c, dst: 1, src: 2, off: 1, imm: 0 });
    assert.deepEqual(slots('smod %r1, 7')[0], { opcode: 0x97, dst: 1, src: 0, off: 1, imm: 7 });
    assert.deepEqual(slots('movsx832 %r0, %r1')[0], { opcode: 0xbc, dst: 0, src: 1, off: 8, imm: 0 });
    assert.deepEqual(slots('movsx3264 %r0, %r1')[0], { opcode: 0xbf, dst: 0, src: 1, off: 32, imm: 0 });
    assert.deepEqual(slots('ldxsh %r0, [%r1-2]')[0], { opcode: 0x89, dst: 0, src: 1, off: -2, imm: 0 });
    assert.deepEqual(slots('stw [%r1+4], 5')[0], { opcode: 0x62, dst: 1, src: 0, off: 4, imm: 5 });
    assert.deepEqual(slots('sth [%r0], 0x8001')[0], { opcode: 0x6a, dst: 0, src: 0, off: 0, imm: 0x8001 });
    assert.deepEqual(slots('stxdw [%r10-8], %r1')[0], { opcode: 0x7b, dst: 10, src: 1, off: -8, imm: 0 });
    assert.deepEqual(slots('be16 %r0')[0], { opcode: 0xdc, dst: 0, src: 0, off: 0, imm: 16 });
    assert.deepEqual(slots('le64 %r0')[0], { opcode: 0xd4, dst: 0, src: 0, off: 0, imm: 64 });
    assert.deepEqual(slots('swap32 %r3')[0], { opcode: 0xd7, dst: 3, src: 0, off: 0, imm: 32 });
    assert.deepEqual(slots('bswap64 %r3')[0], { opcode: 0xd7, dst: 3, src: 0, off: 0, imm: 64 });
    assert.deepEqual(slots('neg32 %r2')[0], { opcode: 0x84, dst: 2, src: 0, off: 0, imm: 0 });
    assert.deepEqual(slots('ldabsh 12')[0], { opcode: 0x28, dst: 0, src: 0, off: 0, imm: 12 });
    assert.deepEqual(slots('ldindw %r1, 4')[0], { opcode: 0x40, dst: 0, src: 1, off: 0, imm: 4 });
    assert.deepEqual(slots('jeq32 %r1, 0xffffffff, +1')[0], { opcode: 0x16, dst: 1, src: 0, off: 1, imm: -1 });
    assert.deepEqual(slots('jsgt %r1, %r2, -1')[0], { opcode: 0x6d, dst: 1, src: 2, off: -1, imm: 0 });
    assert.deepEqual(slots('ja32 +5')[0], { opcode: 0x06, dst: 0, src: 0, off: 0, imm: 5 });
    assert.deepEqual(slots('call 5')[0], { opcode: 0x85, dst: 0, src: 0, off: 0, imm: 5 });
    assert.deepEqual(slots('call helper 6')[0], { opcode: 0x85, dst: 0, src: 0, off: 0, imm: 6 });
    assert.deepEqual(slots('call runtime 7')[0], { opcode: 0x85, dst: 0, src: 2, off: 0, imm: 7 });
    assert.deepEqual(slots('call local -2')[0], { opcode: 0x85, dst: 0, src: 1, off: 0, imm: -2 });
    assert.deepEqual(slots('call %r2')[0], { opcode: 0x8d, dst: 2, src: 0, off: 0, imm: 0 });
    assert.deepEqual(slots('callx %r4')[0], { opcode: 0x8d, dst: 4, src: 0, off: 0, imm: 0 });
    assert.deepEqual(slots('lock add [%r10-8], %r1')[0], { opcode: 0xdb, dst: 10, src: 1, off: -8, imm: 0x00 });
    assert.deepEqual(slots('lock fetch xor32 [%r1+4], %r2')[0], { opcode: 0xc3, dst: 1, src: 2, off: 4, imm: 0xa1 });
    assert.deepEqual(slots('lock xchg [%r1], %r2')[0], { opcode: 0xdb, dst: 1, src: 2, off: 0, imm: 0xe1 });
    assert.deepEqual(slots('lock cmpxchg32 [%r1], %r2')[0], { opcode: 0xc3, dst: 1, src: 2, off: 0, imm: 0xf1 });
    assert.deepEqual(slots('lddw %r0, -1'), [
      { opcode: 0x18, dst: 0, src: 0, off: 0, imm: -1 }, { opcode: 0, dst: 0, src: 0, off: 0, imm: -1 }]);
  });

  it('takes the label `exit` as the first exit unless it is defined, and labels before instructions', () => {
    const insns = assemble('jeq %r1, 0, exit\nmov %r0, 1\nexit\nmov %r0, 2\nexit');
    assert.equal(insns[0].off, 1);
    const defined = assemble('ja exit\nexit\nexit:\nexit');
    assert.equal(defined[0].off, 1);
    const inline = assemble('a: b: mov %r0, 1\nja a\nja b\nexit');
    assert.deepEqual([inline[1].off, inline[2].off], [-2, -3]);
  });

  it('mixes both syntaxes and all three comment styles in one file', () => {
    const insns = assemble('mov %r0, 1 # suite\nr0 += 2 ; llvm\nmov32 %r1, 3#tight\nexit // c++');
    assert.deepEqual(insns.map((i) => i.opcode), [0xb7, 0x07, 0xb4, 0x95]);
  });

  it('returns no instructions for an empty text (the validator refuses an empty program)', () => {
    assert.deepEqual(assemble(''), []);
    assert.deepEqual(assemble('# nothing\n\n  ; here\n'), []);
  });
});

/** Field ranges every emitted slot must respect, whatever the input. */
function wellFormed(insns: Instruction[]): void {
  for (const i of insns) {
    assert.ok(Number.isInteger(i.opcode) && i.opcode >= 0 && i.opcode <= 0xff);
    assert.ok(Number.isInteger(i.dst) && i.dst >= 0 && i.dst <= 10);
    assert.ok(Number.isInteger(i.src) && i.src >= 0 && i.src <= 15);
    assert.ok(Number.isInteger(i.off) && i.off >= -0x8000 && i.off <= 0x7fff);
    assert.ok(Number.isInteger(i.imm) && i.imm >= -0x80000000 && i.imm <= 0x7fffffff);
  }
}

function onlyAsmErrors(text: string): void {
  let insns: Instruction[];
  try {
    insns = assemble(text);
  } catch (e) {
    assert.ok(e instanceof AsmError, `threw ${String(e)} for ${JSON.stringify(text)}`);
    const lines = text.split('\n');
    assert.ok(e.line >= 1 && e.line <= lines.length, `line ${e.line} of ${lines.length}`);
    assert.ok(e.column >= 1 && e.column <= lines[e.line - 1].length + 1, `column ${e.column}`);
    return;
  }
  wellFormed(insns);
}

// Pieces of both grammars, so that random sequences reach deep into the parsers.
const PIECES = [
  'mov', 'mov32', 'add', 'lddw', 'ldxw', 'stxdw', 'stb', 'jeq', 'jne32', 'ja', 'ja32', 'call', 'callx', 'exit', 'lock',
  'fetch', 'xchg', 'cmpxchg32', 'neg', 'be16', 'movsx832', 'local', 'helper', 'if', 'goto', 'gotol', 'll', 'skb',
  'atomic_fetch_add', 'xchg_64', 'cmpxchg_64', 'atomic64_cmpxchg', 'ld_pseudo', 'bswap32', 'pc', 's', 'exit',
  '%r0', '%r1', '%r10', '%r11', 'r0', 'r1', 'w1', 'r10', 'w11', 'L1', 'L1:', 'exit:', '.text', '.section', '.globl',
  '0', '1', '-1', '0x7fff', '0x8000', '-0x8000', '2147483648', '0xffffffff', '0x100000000', '18446744073709551616',
  '(', ')', '[', ']', '*', '+', '-', ',', ':', '=', '==', '!=', '+=', 's>>=', '>>=', '<', '>', '<<=', 's<', '&', '|=',
  '(u8', '*)', '(u64 *)', '(s8)', '#', ';', '//', '<.text+0x8>', 'bpf_map_lookup_elem#1', '0: (b7)',
  'constructor', '__proto__', 'toString', 'hasOwnProperty',
];

describe('asm: fuzzing', () => {
  it('arbitrary strings only ever give AsmError', () => {
    const ascii = fc.string({ unit: fc.nat(0x7f).map((c) => String.fromCharCode(c)), maxLength: 80 });
    const unicode = fc.string({ unit: 'grapheme', maxLength: 40 });
    fc.assert(fc.property(fc.oneof(ascii, unicode, fc.string({ maxLength: 80 })), onlyAsmErrors), { numRuns: 3000 });
  });

  it('random token sequences of both grammars only ever give AsmError', () => {
    const line = fc.array(fc.constantFrom(...PIECES), { maxLength: 10 }).map((t) => t.join(' '));
    const text = fc.array(line, { minLength: 1, maxLength: 6 }).map((l) => l.join('\n'));
    fc.assert(fc.property(text, onlyAsmErrors), { numRuns: 4000 });
  });

  it('mutated valid programs only ever give AsmError', () => {
    const corpus = listConformance('tests').map((c) => c.asm ?? '').filter((a) => a.length > 0);
    corpus.push(
      'r0 = *(u16 *)skb[r1 + 4]\nif w1 s< w2 goto -3\nlock *(u32 *)(r1 + 4) |= w2\nr0 = cmpxchg_64(r1 + 0, r0, r2)\nexit',
      'g:\n  r2 = f ll\n  call f\n  callx r2\n  gotol +0\nf:\n  w0 = (s16)w1\n  r0 = bswap64 r0\n  exit',
    );
    const mutation = fc.record({
      program: fc.constantFrom(...corpus),
      at: fc.nat(),
      kind: fc.constantFrom('delete', 'insert', 'replace', 'duplicate-line', 'drop-line'),
      piece: fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'binary', maxLength: 3 })),
      length: fc.integer({ min: 1, max: 6 }),
    });
    fc.assert(fc.property(mutation, ({ program, at, kind, piece, length }) => {
      const i = at % (program.length + 1);
      const lines = program.split('\n');
      const l = at % lines.length;
      const mutated =
        kind === 'delete' ? program.slice(0, i) + program.slice(i + length)
        : kind === 'insert' ? program.slice(0, i) + piece + program.slice(i)
        : kind === 'replace' ? program.slice(0, i) + piece + program.slice(i + length)
        : kind === 'duplicate-line' ? [...lines.slice(0, l), lines[l], ...lines.slice(l)].join('\n')
        : [...lines.slice(0, l), ...lines.slice(l + 1)].join('\n');
      onlyAsmErrors(mutated);
    }), { numRuns: 4000 });
  });
});
