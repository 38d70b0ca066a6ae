// LLVM's and the kernel's syntax: every instruction class against bytes that
// llvm-mc-19 produced for the same text (the table below was measured with
// `llvm-mc-19 -triple bpfel -mcpu=v4` and printed back by llvm-objdump-19).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assemble, assembleLlvm, encode } from '../../src/isa/index.js';

const hex = (text: string): string => Buffer.from(encode(assemble(text))).toString('hex');

/** [llvm-objdump-19 --mattr=+alu32 text, bytes llvm-mc-19 assembles it to]. */
const LLVM_TABLE: Array<[string, string]> = [
  ['r0 = 0x1', 'b700000001000000'],
  ['r1 = -0x1', 'b7010000ffffffff'],
  ['may_goto +0x1', 'e500010000000000'],
  ['r1 = addr_space_cast(r2, 0x0, 0x1)', 'bf21010001000000'],
  ['r3 = addr_space_cast(r4, 0x1, 0x0)', 'bf43010000000100'],
  // A leading 0 is octal, as clang reads it.
  ['r1 = 010', 'b701000008000000'],
  ['r1 = -017', 'b7010000f1ffffff'],
  ['w2 = 0x7fffffff', 'b4020000ffffff7f'],
  ['w3 = -0x80000000', 'b403000000000080'],
  ['r4 = r5', 'bf54000000000000'],
  ['w6 = w7', 'bc76000000000000'],
  ['r0 = 0x1122334455667788 ll', '18000000887766550000000044332211'],
  ['r9 = -0x1 ll', '18090000ffffffff00000000ffffffff'],
  ['r1 += 0x10', '0701000010000000'],
  ['r1 -= r2', '1f21000000000000'],
  ['w1 *= w2', '2c21000000000000'],
  ['w1 *= 0x3', '2401000003000000'],
  ['r1 /= r2', '3f21000000000000'],
  ['r1 /= 0x7', '3701000007000000'],
  ['w1 /= w2', '3c21000000000000'],
  ['r1 s/= r2', '3f21010000000000'],
  ['w1 s/= 0x3', '3401010003000000'],
  ['r1 %= r2', '9f21000000000000'],
  ['w1 %= 0x3', '9401000003000000'],
  ['r1 s%= r2', '9f21010000000000'],
  ['w1 s%= w2', '9c21010000000000'],
  ['r1 |= r2', '4f21000000000000'],
  ['w1 |= 0xff', '44010000ff000000'],
  ['r1 &= 0xff', '57010000ff000000'],
  ['w1 &= w2', '5c21000000000000'],
  ['r1 <<= 0x3f', '670100003f000000'],
  ['w1 <<= w2', '6c21000000000000'],
  ['r1 >>= r2', '7f21000000000000'],
  ['w1 >>= 0x1f', '740100001f000000'],
  ['r1 s>>= 0x3', 'c701000003000000'],
  ['w1 s>>= w2', 'cc21000000000000'],
  ['r1 ^= r2', 'af21000000000000'],
  ['w1 ^= -0x1', 'a4010000ffffffff'],
  ['r0 = -r0', '8700000000000000'],
  ['w5 = -w5', '8405000000000000'],
  ['r0 = (s8)r1', 'bf10080000000000'],
  ['r0 = (s16)r1', 'bf10100000000000'],
  ['r0 = (s32)r1', 'bf10200000000000'],
  ['w0 = (s8)w1', 'bc10080000000000'],
  ['w0 = (s16)w1', 'bc10100000000000'],
  ['r0 = le16 r0', 'd400000010000000'],
  ['r0 = le32 r0', 'd400000020000000'],
  ['r0 = le64 r0', 'd400000040000000'],
  ['r0 = be16 r0', 'dc00000010000000'],
  ['r0 = be32 r0', 'dc00000020000000'],
  ['r0 = be64 r0', 'dc00000040000000'],
  ['r0 = bswap16 r0', 'd700000010000000'],
  ['r0 = bswap32 r0', 'd700000020000000'],
  ['r0 = bswap64 r0', 'd700000040000000'],
  ['r3 = *(u8 *)(r1 + 0xc)', '71130c0000000000'],
  ['r3 = *(u16 *)(r1 - 0x2)', '6913feff00000000'],
  ['r3 = *(u32 *)(r1 + 0x7fff)', '6113ff7f00000000'],
  ['r3 = *(u64 *)(r10 - 0x8000)', '79a3008000000000'],
  ['w3 = *(u8 *)(r1 + 0x0)', '7113000000000000'],
  ['w3 = *(u16 *)(r1 + 0x0)', '6913000000000000'],
  ['w3 = *(u32 *)(r1 + 0x0)', '6113000000000000'],
  ['r0 = *(s8 *)(r1 + 0x0)', '9110000000000000'],
  ['r0 = *(s16 *)(r1 + 0x2)', '8910020000000000'],
  ['r0 = *(s32 *)(r1 - 0x4)', '8110fcff00000000'],
  ['*(u8 *)(r10 - 0x1) = r1', '731affff00000000'],
  ['*(u16 *)(r10 - 0x2) = r1', '6b1afeff00000000'],
  ['*(u32 *)(r10 - 0x4) = r1', '631afcff00000000'],
  ['*(u64 *)(r10 - 0x8) = r1', '7b1af8ff00000000'],
  ['*(u8 *)(r10 - 0x1) = w1', '731affff00000000'],
  ['*(u16 *)(r10 - 0x2) = w1', '6b1afeff00000000'],
  ['*(u32 *)(r10 - 0x4) = w1', '631afcff00000000'],
  ['*(u8 *)(r10 - 0x1) = 0xff', '720affffff000000'],
  ['*(u16 *)(r10 - 0x2) = 0x1234', '6a0afeff34120000'],
  ['*(u32 *)(r10 - 0x4) = -0x1', '620afcffffffffff'],
  ['*(u64 *)(r10 - 0x8) = 0x7fffffff', '7a0af8ffffffff7f'],
  ['lock *(u32 *)(r1 + 0x4) += w2', 'c321040000000000'],
  ['lock *(u32 *)(r1 + 0x4) |= w2', 'c321040040000000'],
  ['lock *(u32 *)(r1 + 0x4) &= w2', 'c321040050000000'],
  ['lock *(u32 *)(r1 + 0x4) ^= w2', 'c3210400a0000000'],
  ['lock *(u64 *)(r1 + 0x8) += r2', 'db21080000000000'],
  ['lock *(u64 *)(r1 + 0x8) |= r2', 'db21080040000000'],
  ['lock *(u64 *)(r1 + 0x8) &= r2', 'db21080050000000'],
  ['lock *(u64 *)(r1 + 0x8) ^= r2', 'db210800a0000000'],
  ['w2 = atomic_fetch_add((u32 *)(r1 + 0x4), w2)', 'c321040001000000'],
  ['w2 = atomic_fetch_or((u32 *)(r1 + 0x4), w2)', 'c321040041000000'],
  ['w2 = atomic_fetch_and((u32 *)(r1 + 0x4), w2)', 'c321040051000000'],
  ['w2 = atomic_fetch_xor((u32 *)(r1 + 0x4), w2)', 'c3210400a1000000'],
  ['r2 = atomic_fetch_add((u64 *)(r1 + 0x8), r2)', 'db21080001000000'],
  ['r2 = atomic_fetch_or((u64 *)(r1 + 0x8), r2)', 'db21080041000000'],
  ['r2 = atomic_fetch_and((u64 *)(r1 + 0x8), r2)', 'db21080051000000'],
  ['r2 = atomic_fetch_xor((u64 *)(r1 + 0x8), r2)', 'db210800a1000000'],
  ['w2 = xchg32_32(r1 + 0x4, w2)', 'c3210400e1000000'],
  ['r2 = xchg_64(r1 + 0x8, r2)', 'db210800e1000000'],
  ['w0 = cmpxchg32_32(r1 + 0x4, w0, w2)', 'c3210400f1000000'],
  ['r0 = cmpxchg_64(r1 - 0x8, r0, r2)', 'db21f8fff1000000'],
  ['r0 = *(u8 *)skb[0xc]', '300000000c000000'],
  ['r0 = *(u16 *)skb[0xc]', '280000000c000000'],
  ['r0 = *(u32 *)skb[-0x1]', '20000000ffffffff'],
  ['r0 = *(u8 *)skb[r1]', '5010000000000000'],
  ['r0 = *(u16 *)skb[r7]', '4870000000000000'],
  ['r0 = *(u32 *)skb[r1]', '4010000000000000'],
  ['goto +0x1', '0500010000000000'],
  ['goto -0x8000', '0500008000000000'],
  ['gotol +0x5', '0600000005000000'],
  ['gotol -0x8000', '060000000080ffff'],
  ['if r1 == 0x5 goto +0x2', '1501020005000000'],
  ['if r1 != r2 goto -0x3', '5d21fdff00000000'],
  ['if r1 > 0x5 goto +0x2', '2501020005000000'],
  ['if r1 >= r2 goto +0x2', '3d21020000000000'],
  ['if r1 < 0x5 goto +0x2', 'a501020005000000'],
  ['if r1 <= r2 goto +0x2', 'bd21020000000000'],
  ['if r1 s> 0x5 goto +0x2', '6501020005000000'],
  ['if r1 s>= r2 goto +0x2', '7d21020000000000'],
  ['if r1 s< -0x5 goto +0x2', 'c5010200fbffffff'],
  ['if r1 s<= r2 goto +0x2', 'dd21020000000000'],
  ['if r1 & 0x5 goto +0x2', '4501020005000000'],
  ['if w1 == 0x5 goto +0x2', '1601020005000000'],
  ['if w1 != w2 goto -0x3', '5e21fdff00000000'],
  ['if w1 > 0x5 goto +0x2', '2601020005000000'],
  ['if w1 >= w2 goto +0x2', '3e21020000000000'],
  ['if w1 < 0x5 goto +0x2', 'a601020005000000'],
  ['if w1 <= w2 goto +0x2', 'be21020000000000'],
  ['if w1 s> 0x5 goto +0x2', '6601020005000000'],
  ['if w1 s>= w2 goto +0x2', '7e21020000000000'],
  ['if w1 s< w2 goto -0x3', 'ce21fdff00000000'],
  ['if w1 s<= 0x5 goto +0x2', 'd601020005000000'],
  ['if w1 & w2 goto +0x2', '4e21020000000000'],
  ['call 0x1', '8500000001000000'],
  ['call 0x7fffffff', '85000000ffffff7f'],
  ['callx r2', '8d02000000000000'],
  ['exit', '9500000000000000'],
];

describe('asm: LLVM syntax', () => {
  it('assembles every instruction class to the bytes llvm-mc-19 gives', () => {
    for (const [text, bytes] of LLVM_TABLE) assert.equal(hex(text), bytes, text);
  });

  it('assembles the same table as one program with assembleLlvm', () => {
    const text = LLVM_TABLE.map(([t]) => t).join('\n');
    assert.equal(Buffer.from(encode(assembleLlvm(text))).toString('hex'), LLVM_TABLE.map(([, b]) => b).join(''));
  });

  it('takes the spellings llvm-objdump prints without --mattr=+alu32 (r registers for 32-bit accesses)', () => {
    assert.equal(hex('r3 = *(u32 *)(r1 + 0x0)'), hex('w3 = *(u32 *)(r1 + 0x0)'));
    assert.equal(hex('*(u16 *)(r10 - 0x2) = r1'), hex('*(u16 *)(r10 - 0x2) = w1'));
    assert.equal(hex('lock *(u32 *)(r1 + 0x4) += r2'), hex('lock *(u32 *)(r1 + 0x4) += w2'));
    assert.equal(hex('r2 = xchg32_32(r1 + 0x4, r2)'), hex('w2 = xchg32_32(r1 + 0x4, w2)'));
  });

  it('ignores the <symbol+0x..> target llvm-objdump appends to branches', () => {
    assert.equal(hex('if r1 > 0x5 goto +0x2 <.text+0x68>'), '2501020005000000');
    assert.equal(hex('goto -0x1 <LBB0_2>'), '0500ffff00000000');
  });

  it('reads decimal, hex and signed immediates over the whole imm32 range', () => {
    assert.equal(hex('r0 = 4294967295'), hex('r0 = -1'));
    assert.equal(hex('r0 = 0xffffffff'), 'b7000000ffffffff');
    assert.equal(hex('r0 = 2147483648'), 'b700000000000080');
    assert.equal(hex('r0 = -2147483648'), 'b700000000000080');
    assert.equal(hex('r0 = 18446744073709551615 ll'), '18000000ffffffff00000000ffffffff');
    assert.equal(hex('r0 = -9223372036854775808 ll'), '180000000000000000000000' + '00000080');
  });

  it('encodes gotol with a 32-bit displacement in imm', () => {
    assert.equal(hex('gotol -0x80000000'), '0600000000000080');
    assert.equal(hex('gotol +0x7fffffff'), '06000000ffffff7f');
  });

  it('writes ld_pseudo (lddw with a pseudo source) as llvm-objdump prints it', () => {
    assert.equal(hex('ld_pseudo r1, 0x1, 0x5'), '18110000050000000000000000000000');
    assert.equal(hex('ld_pseudo r1, 0x4, 0x5'), '18410000050000000000000000000000');
  });

  it('resolves labels for jumps, local calls and function addresses (clang -S output)', () => {
    const text = [
      'g:',
      '  r2 = f ll',
      '  call f',
      '  if r1 s< 1 goto LBB0_3',
      'LBB0_2:',
      '  r1 += -1',
      '  if r1 != 0 goto LBB0_2',
      'LBB0_3:',
      '  exit',
      'f:',
      '  w0 = w1',
      '  exit',
    ].join('\n');
    const insns = assemble(text);
    assert.deepEqual(insns[0], { opcode: 0x18, dst: 2, src: 4, off: 0, imm: 6 }); // BPF_PSEUDO_FUNC: f is slot 0 + 6 + 1
    assert.deepEqual(insns[2], { opcode: 0x85, dst: 0, src: 1, off: 0, imm: 4 }); // call f: slot 2 + 4 + 1
    assert.equal(insns[3].off, 2);
    assert.equal(insns[5].off, -2);
  });

  it('reads calls: helper ids, labels, negative local calls, callx', () => {
    assert.equal(hex('call 0x1'), '8500000001000000');
    assert.equal(hex('call -0x5'), '85100000fbffffff');
    assert.equal(hex('callx r2'), '8d02000000000000');
    assert.equal(hex('call r3'), '8d03000000000000');
  });
});

describe('asm: the kernel listing syntax (verifier log, bpftool)', () => {
  const same = (kernel: string, llvm: string): void => assert.equal(hex(kernel), hex(llvm), kernel);

  it('reads pc-relative jumps and calls', () => {
    same('goto pc+2', 'goto +2');
    same('gotol pc-7', 'gotol -7');
    same('if r1 > 0x5 goto pc+2', 'if r1 > 5 goto +2');
    same('if w0 != w1 goto pc-1', 'if w0 != w1 goto -1');
    assert.equal(hex('call pc+3'), '8510000003000000');
  });

  it('reads helper calls by name and id', () => {
    same('call bpf_map_lookup_elem#1', 'call 1');
    same('call unknown#195896080', 'call 195896080');
  });

  it('reads unspaced offsets and decimal immediates', () => {
    same('*(u32 *)(r10 -4) = r1', '*(u32 *)(r10 - 0x4) = r1');
    same('r0 = *(u32 *)(r1 +0)', 'r0 = *(u32 *)(r1 + 0x0)');
    same('*(u64 *)(r10 -8) = -1', '*(u64 *)(r10 - 0x8) = -0x1');
    same('lock *(u64 *)(r1 +0) += r2', 'lock *(u64 *)(r1 + 0x0) += r2');
  });

  it('reads the kernel names of the fetching atomics', () => {
    same('r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)', 'r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)');
    same('r2 = atomic_fetch_xor((u32 *)(r1 +4), r2)', 'w2 = atomic_fetch_xor((u32 *)(r1 + 4), w2)');
    same('r2 = atomic64_xchg((u64 *)(r1 +0), r2)', 'r2 = xchg_64(r1 + 0, r2)');
    same('r2 = atomic_xchg((u32 *)(r1 +0), r2)', 'w2 = xchg32_32(r1 + 0, w2)');
    same('r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)', 'r0 = cmpxchg_64(r1 + 0, r0, r2)');
    same('r0 = atomic_cmpxchg((u32 *)(r1 -8), r0, r2)', 'w0 = cmpxchg32_32(r1 - 8, w0, w2)');
  });

  it('reads ld_ind with its immediate, which llvm-objdump leaves out', () => {
    assert.equal(hex('r0 = *(u16 *)skb[r1 + 4]'), '4810000004000000');
    assert.equal(hex('r0 = *(u32 *)skb[r2 - 1]'), '40200000ffffffff');
    assert.equal(hex('r0 = *(u8 *)skb[12]'), '300000000c000000');
  });

  it('strips the `N: (op)` prefix and `; state` comment of verifier log lines', () => {
    const log = [
      '0: (b7) r0 = 0                        ; R0_w=0',
      '1: (85) call bpf_ktime_get_ns#5      ; R0=scalar()',
      '2: (15) if r0 == 0x0 goto pc+1',
      '3: (07) r0 += -8',
      '4: (95) exit',
    ].join('\n');
    assert.equal(Buffer.from(encode(assemble(log))).toString('hex'),
      ['b700000000000000', '8500000005000000', '1500010000000000', '07000000f8ffffff', '9500000000000000'].join(''));
  });
});

describe('asm: clang -S output', () => {
  it('skips directives and data sections, keeps labels and comments', () => {
    const text = [
      '\t.text',
      '\t.file\t"c.c"',
      '\t.globl\tg                               # -- Begin function g',
      '\t.p2align\t3',
      '\t.type\tg,@function',
      'g:                                      # @g',
      '# %bb.0:',
      '\t.loc\t0 3 10 prologue_end',
      '\tw0 = w1',
      '\texit',
      '.Lfunc_end0:',
      '\t.size\tg, .Lfunc_end0-g',
      '\t.section\t"license","aw",@progbits',
      'LICENSE:',
      '\t.asciz\t"GPL"',
      '\t.section\t.BTF,"",@progbits',
      '\t.short\t60319',
      '\t.addrsig',
    ].join('\n');
    assert.equal(Buffer.from(encode(assemble(text))).toString('hex'), 'bc10000000000000' + '9500000000000000');
  });

  it('assembles an xdp section declared with .section', () => {
    const text = '\t.section\txdp,"ax",@progbits\n\t.globl\tprog\nprog:\n\tr0 = 2\n\texit\n';
    assert.equal(Buffer.from(encode(assemble(text))).toString('hex'), 'b700000002000000' + '9500000000000000');
  });
});
