// The conformance suite (../shared/conformance): every program assembles, and
// every negative case is refused by the assembler or the decoder/validator,
// or (the two that are only wrong at run time) left to the runner.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AsmError, assemble, assembleConformance, decode, encode, validateInstructions, DecodeError } from '../../src/isa/index.js';
import { conformanceSkipReason, listConformance, parseConformance } from '../support/conformance.js';

const skip = conformanceSkipReason();

/** Negative cases the assembler refuses, with the reason it gives. */
const REFUSED_BY_ASSEMBLER: Record<string, RegExp> = {
  invalid_imm32_dec_range: /^immediate out of range: 2147483648/,
  invalid_imm32_hex_range: /^immediate out of range: 0x100000000/,
  invalid_label: /^undefined label 'NOT_A_LABEL'/,
  invalid_lock: /^wrong operand count: 'lock or' takes 2 operands, got 1/,
  invalid_lock2: /^wrong operand count: 'lock' takes an operation/,
  invalid_mnemonic: /^unknown mnemonic 'ldxq'/,
  invalid_offset: /^expected memory operand/,
  invalid_offset_range: /^offset out of range: 0x10000/,
  invalid_operand_count: /^wrong operand count: 'lddw' takes 2 operands, got 1/,
  invalid_register: /^invalid register '%r50'/,
};
/** Negative cases with no program at all: the runner refuses them before any engine sees them. */
const NO_PROGRAM = new Set(['empty', 'empty_instructions']);
/**
 * Well-formed programs that are negative for what happens at run time:
 * `error` expects a refusal ("Invalid") of `or %r0, %r10` (reads r0 before
 * writing it, leaks the frame pointer); `incorrect_return_value_high_bits`
 * expects a wrong r0. The interpreter's conformance test judges these.
 */
const RUNTIME_ONLY = new Set(['error', 'incorrect_return_value_high_bits']);

describe('asm: conformance programs', { skip }, () => {
  const tests = listConformance('tests');

  it('finds the 313 programs', () => {
    assert.equal(tests.length, 313);
  });

  it('assembles every program into valid bytecode, in auto and in conformance-only syntax', () => {
    for (const c of tests) {
      assert.ok(c.asm !== undefined, c.name);
      const insns = assemble(c.asm);
      assert.doesNotThrow(() => validateInstructions(insns), c.name);
      assert.deepEqual(assembleConformance(c.asm), insns, c.name);
    }
  });

  it('matches -- raw where a program has both', () => {
    const both = tests.filter((c) => c.raw && c.asm);
    assert.ok(both.length >= 1);
    for (const c of both) assert.deepEqual(encode(assemble(c.asm as string)), c.raw, c.name);
  });

  it('points AsmError lines into the .data file through asmLine', () => {
    const c = tests.find((t) => t.name === 'lddw');
    assert.ok(c?.asmLine !== undefined && c.asm !== undefined);
    const broken = c.asm.replace('lddw', 'lddq');
    assert.throws(() => assemble(broken), (e: unknown) => {
      assert.ok(e instanceof AsmError);
      assert.equal(e.line + (c.asmLine as number) - 1, 4); // `-- asm` is line 3 of lddw.data
      assert.equal(e.column, 1);
      return true;
    });
  });
});

describe('asm: conformance negative cases', { skip }, () => {
  const negative = listConformance('negative');

  it('classifies every negative case exactly once', () => {
    const names = negative.map((c) => c.name);
    const validator = names.filter((n) => !(n in REFUSED_BY_ASSEMBLER) && !NO_PROGRAM.has(n) && !RUNTIME_ONLY.has(n));
    assert.equal(names.length, 60);
    assert.equal(validator.length, 46);
    for (const n of Object.keys(REFUSED_BY_ASSEMBLER)) assert.ok(names.includes(n), n);
  });

  it('the assembler refuses the malformed assembly with the right reason', () => {
    for (const c of negative.filter((n) => n.name in REFUSED_BY_ASSEMBLER)) {
      assert.ok(c.asm !== undefined, c.name);
      assert.throws(() => assemble(c.asm as string), (e: unknown) => {
        assert.ok(e instanceof AsmError, c.name);
        assert.match(e.reason, REFUSED_BY_ASSEMBLER[c.name], c.name);
        assert.ok(e.line >= 1 && e.column >= 1);
        return true;
      });
    }
  });

  it('the decoder refuses every other program (reserved fields, an empty program)', () => {
    const rest = negative.filter((c) => !(c.name in REFUSED_BY_ASSEMBLER) && !NO_PROGRAM.has(c.name) && !RUNTIME_ONLY.has(c.name));
    for (const c of rest) {
      const bytes = c.raw ?? encode(assemble(c.asm ?? ''));
      assert.throws(() => decode(bytes), DecodeError, c.name);
    }
    const directive = negative.find((c) => c.name === 'invalid_unknown_directive');
    assert.deepEqual(directive?.unknownSections, ['unknown directive']);
  });

  it('leaves no program in the files without -- asm or -- raw', () => {
    for (const c of negative.filter((n) => NO_PROGRAM.has(n.name))) {
      assert.equal(c.asm, undefined);
      assert.equal(c.raw, undefined);
    }
  });

  it('assembles and validates the run-time negatives (their refusal is the runner\'s)', () => {
    for (const c of negative.filter((n) => RUNTIME_ONLY.has(n.name))) {
      assert.doesNotThrow(() => decode(encode(assemble(c.asm as string))), c.name);
    }
  });
});

describe('conformance .data parser', () => {
  it('reads every section kind', () => {
    const c = parseConformance([
      '# comment',
      '-- asm',
      'mov %r0, 1 # keep',
      'exit',
      '-- mem',
      'aa bb  # c',
      '0c',
      '-- result',
      '0x8000000000000000',
      '-- c',
      'int f(void) { return 1; }',
      '-- no register offset',
      'call instruction',
      '-- Odd One',
      'x',
    ].join('\r\n'), '/x/y/sample.data');
    assert.equal(c.name, 'sample');
    assert.equal(c.file, '/x/y/sample.data');
    assert.equal(c.asm, 'mov %r0, 1 # keep\nexit');
    assert.equal(c.asmLine, 3);
    assert.deepEqual(c.mem, Uint8Array.from([0xaa, 0xbb, 0x0c]));
    assert.equal(c.result, 0x8000000000000000n);
    assert.equal(c.error, undefined);
    assert.deepEqual(c.other, { c: 'int f(void) { return 1; }', 'no register offset': 'call instruction', 'odd one': 'x' });
    assert.deepEqual(c.unknownSections, ['odd one']);
  });

  it('reads -- raw as 64-bit words or as bytes, and -- error with or without text', () => {
    const words = parseConformance('-- raw\n0x5566778800000018\n0x0000000000000095\n-- error\n', 'w.data');
    assert.deepEqual([...(words.raw ?? [])], [0x18, 0, 0, 0, 0x88, 0x77, 0x66, 0x55, 0x95, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(words.error, '');
    assert.equal(words.result, undefined);
    assert.deepEqual(words.mem, new Uint8Array(0));
    const bytes = parseConformance('-- raw\n07 00 01 00 01 00 00 00\n-- error\nInvalid\n', 'b.data');
    assert.deepEqual([...(bytes.raw ?? [])], [7, 0, 1, 0, 1, 0, 0, 0]);
    assert.equal(bytes.error, 'Invalid');
  });

  it('reads decimal and negative results as 64-bit values', () => {
    assert.equal(parseConformance('-- result\n42\n', 'r.data').result, 42n);
    assert.equal(parseConformance('-- result\n-1\n', 'r.data').result, 0xffffffffffffffffn);
  });

  it('refuses malformed bytes, words and results', () => {
    assert.throws(() => parseConformance('-- mem\nzz\n', 'm.data'), /m\.data:2: bad byte 'zz'/);
    assert.throws(() => parseConformance('-- raw\n0x1g\n', 'r.data'), /bad instruction word/);
    assert.throws(() => parseConformance('-- result\nmaybe\n', 'r.data'), /bad result 'maybe'/);
  });
});
