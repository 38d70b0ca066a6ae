// The disassembler without LLVM at hand: known LLVM 19 texts (taken from
// llvm-objdump-19's output), the listing format, and fuzzing (random bytes
// never make it throw).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError, decodeRaw, type Instruction } from '../../src/isa/index.js';
import { disassemble, disassembleProgram, listRaw, listSection, UNKNOWN_TEXT } from '../../src/isa/disasm/index.js';

const hex = (s: string): Instruction[] => decodeRaw(Uint8Array.from(Buffer.from(s.replace(/ /g, ''), 'hex')));

// bytes -> llvm-objdump-19 -d text (without --mcpu), and with --mcpu=v4 where it differs.
const KNOWN: Array<[string, string, string?]> = [
  ['b7 00 00 00 01 00 00 00', 'r0 = 0x1'],
  ['b4 01 00 00 ff ff ff ff', 'w1 = -0x1'],
  ['07 02 00 00 fc ff ff ff', 'r2 += -0x4'],
  ['69 13 0c 00 00 00 00 00', 'r3 = *(u16 *)(r1 + 0xc)', 'w3 = *(u16 *)(r1 + 0xc)'],
  ['61 1a fe ff 00 00 00 00', 'r10 = *(u32 *)(r1 - 0x2)', 'w10 = *(u32 *)(r1 - 0x2)'],
  ['25 01 02 00 05 00 00 00', 'if r1 > 0x5 goto +0x2'],
  ['a6 00 11 00 02 00 00 00', 'if w0 < 0x2 goto +0x11'],
  ['18 00 00 00 88 77 66 55 00 00 00 00 44 33 22 11', 'r0 = 0x1122334455667788 ll'],
  ['18 01 00 00 00 00 00 00 00 00 00 00 ff ff ff ff', 'r1 = -0x100000000 ll'],
  ['18 13 00 00 fb ff ff ff 00 00 00 00 07 00 00 00', 'ld_pseudo\tr3, 0x1, 0xfffffffb'],
  ['bf 10 08 00 00 00 00 00', 'r0 = (s8)r1'],
  ['bc 10 10 00 00 00 00 00', 'w0 = (s16)w1'],
  ['bf 35 01 00 01 00 01 00', 'r5 = addr_space_cast(r3, 0x1, 0x1)'],
  ['91 21 fe 7f 00 00 00 00', 'r1 = *(s8 *)(r2 + 0x7ffe)'],
  ['d7 01 00 00 40 00 00 00', 'r1 = bswap64 r1'],
  ['dc 01 00 00 10 00 00 00', 'r1 = be16 r1'],
  ['3c 92 01 00 00 00 00 00', 'w2 s/= w9'],
  ['9f 69 01 00 00 00 00 00', 'r9 s%= r6'],
  ['06 00 00 00 fe ff ff 7f', 'gotol +0x7ffffffe'],
  ['05 00 00 80 00 00 00 00', 'goto -0x8000'],
  ['e5 00 08 00 00 00 00 00', 'may_goto +0x8'],
  ['85 00 00 00 01 00 00 00', 'call 0x1'],
  ['85 10 00 00 ff ff ff ff', 'call -0x1'],
  ['8d 03 00 00 00 00 00 00', 'callx r3'],
  ['95 00 00 00 00 00 00 00', 'exit'],
  ['db 10 00 00 00 00 00 00', 'lock *(u64 *)(r0 + 0x0) += r1'],
  ['c3 21 00 00 00 00 00 00', 'lock *(u32 *)(r1 + 0x0) += r2', 'lock *(u32 *)(r1 + 0x0) += w2'],
  ['c3 21 00 00 a1 00 00 00', UNKNOWN_TEXT, 'w2 = atomic_fetch_xor((u32 *)(r1 + 0x0), w2)'],
  ['db 21 00 00 41 00 00 00', 'r2 = atomic_fetch_or((u64 *)(r1 + 0x0), r2)'],
  ['db 21 00 00 e1 00 00 00', 'r2 = xchg_64(r1 + 0x0, r2)'],
  ['c3 21 00 00 f1 00 00 00', UNKNOWN_TEXT, 'w0 = cmpxchg32_32(r1 + 0x0, w0, w2)'],
  ['db 98 18 00 f1 00 00 00', 'r0 = cmpxchg_64(r8 + 0x18, r0, r9)'],
  ['20 00 00 00 ff ff ff ff', 'r0 = *(u32 *)skb[-0x1]'],
  ['50 10 00 00 00 00 00 00', 'r0 = *(u8 *)skb[r1]'],
  ['62 1a fe ff ff ff ff ff', '*(u32 *)(r10 - 0x2) = -0x1'],
  ['73 1a fe ff 00 00 00 00', '*(u8 *)(r10 - 0x2) = r1', '*(u8 *)(r10 - 0x2) = w1'],
  ['bf bb 00 00 00 00 00 00', 'r11 = r11'],
  ['bf cc 00 00 00 00 00 00', UNKNOWN_TEXT],
  ['04 21 fe 7f 00 00 00 00', UNKNOWN_TEXT],
  ['df 01 00 00 10 00 00 00', UNKNOWN_TEXT],
];

test('known instructions disassemble to llvm-objdump-19\'s text', () => {
  for (const [bytes, plain, alu32 = plain] of KNOWN) {
    assert.equal(disassemble(hex(bytes), 0), plain, bytes);
    assert.equal(disassemble(hex(bytes), 0, { alu32: true }), alu32, `${bytes} (alu32)`);
  }
});

test('an lddw without its second slot is <unknown>; an index outside the program is a DecodeError', () => {
  assert.equal(disassemble(hex('18 00 00 00 01 00 00 00'), 0), UNKNOWN_TEXT);
  assert.throws(() => disassemble(hex('95 00 00 00 00 00 00 00'), 1), DecodeError);
  assert.throws(() => disassemble([], 0), DecodeError);
});

test('disassembleProgram numbers instructions by slot and skips lddw second halves', () => {
  assert.deepEqual(disassembleProgram(hex('18 01 00 00 05 00 00 00 00 00 00 00 00 00 00 00 95 00 00 00 00 00 00 00')),
    ['0: r1 = 0x5 ll', '2: exit']);
});

test('raw listing: index, bytes, text and resolved branch targets, folded zero runs, truncated tails', () => {
  const bytes = Uint8Array.from(Buffer.from(
    'b700000001000000' + '0000000000000000' + '0000000000000000' + '0500fcff00000000' + '18000000', 'hex'));
  assert.equal(listRaw(bytes), [
    '       0:\tb7 00 00 00 01 00 00 00\tr0 = 0x1',
    '\t\t...',
    '       3:\t05 00 fc ff 00 00 00 00\tgoto -0x4 <.text>',
    '       4:\t18\t<unknown>',
    '       4:\t00\t<unknown>',
    '       4:\t00\t<unknown>',
    '       4:\t00\t<unknown>',
    '',
  ].join('\n'));
});

test('section listing: symbols, a data object dumped as bytes, relocations with -r', () => {
  const bytes = Uint8Array.from(Buffer.from('1801000000000000000000000000000095000000000000004142000000000000', 'hex'));
  const lines = listSection({
    name: 'xdp', bytes, size: bytes.length, executable: true, virtual: false,
    symbols: [{ name: 'prog', offset: 0, type: 2 }, { name: 'table', offset: 24, type: 1 }],
    relocations: [{ offset: 0, type: 'R_BPF_64_64', value: 'counts' }],
  }, { relocations: true });
  assert.deepEqual(lines, [
    '', 'Disassembly of section xdp:',
    '', '0000000000000000 <prog>:',
    '       0:\t18 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00\tr1 = 0x0 ll',
    '\t\t0000000000000000:  R_BPF_64_64\tcounts',
    '       2:\t95 00 00 00 00 00 00 00\texit',
    '', '0000000000000018 <table>:',
    '      18: 41 42 00 00 00 00 00 00         AB......',
  ]);
});

test('fuzz: random bytes never make the disassembler or the listing throw', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), fc.boolean(), (raw, alu32) => {
    const bytes = raw.subarray(0, raw.length - (raw.length % 8));
    const insns = decodeRaw(bytes);
    for (let i = 0; i < insns.length; i++) assert.equal(typeof disassemble(insns, i, { alu32 }), 'string');
    const listing = listRaw(raw, { alu32 });
    // Every line is an instruction (1, 8 or 16 bytes) or a folded zero run.
    for (const line of listing.split('\n').slice(0, -1)) {
      assert.match(line, /^( {7}\d|\s*\d{2,}):\t[0-9a-f]{2}(( [0-9a-f]{2}){7}(( [0-9a-f]{2}){8})?)?\t\S|^\t\t\.\.\.$/);
    }
    assert.equal(listing === '', raw.length === 0);
  }), { numRuns: 2000 });
});

test('fuzz: random sections with random symbols list without throwing', () => {
  fc.assert(fc.property(
    fc.uint8Array({ maxLength: 128 }),
    fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 4 }), offset: fc.nat({ max: 140 }), type: fc.constantFrom(0, 1, 2) }), { maxLength: 5 }),
    fc.boolean(),
    (bytes, symbols, executable) => {
      const lines = listSection({ name: 's', bytes, size: bytes.length, executable, virtual: false, symbols, relocations: [] });
      assert.equal(lines.length === 0, bytes.length === 0);
    },
  ), { numRuns: 1000 });
});
