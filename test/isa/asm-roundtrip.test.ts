// Round trips through LLVM's own text: whatever llvm-objdump-19 (or our
// disassembler, which prints the same text) writes for an instruction must
// assemble back to the same slots, and clang's `-S` output must assemble to
// the bytes clang's `-c` emits.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { assemble, BPF_PSEUDO_FUNC, decodeRaw, encode, instructionFault, type Instruction } from '../../src/isa/index.js';
import { disassemble, UNKNOWN_TEXT } from '../../src/isa/disasm/index.js';

/** A single valid instruction (two slots for lddw), fields biased toward the values that matter. */
const validInstruction: fc.Arbitrary<Instruction[]> = fc
  .record({
    opcode: fc.integer({ min: 0, max: 255 }),
    dst: fc.integer({ min: 0, max: 10 }),
    src: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 10 })),
    off: fc.oneof(fc.constantFrom(0, 1, 8, 16, 32, -1, 0x7fff, -0x8000), fc.integer({ min: -0x8000, max: 0x7fff })),
    imm: fc.oneof(
      fc.constantFrom(0, 16, 32, 64, 1, -1, 0x7fffffff, -0x80000000),
      fc.constantFrom(0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1),
      fc.integer({ min: -0x80000000, max: 0x7fffffff }),
    ),
    high: fc.oneof(fc.constant(0), fc.integer({ min: -0x80000000, max: 0x7fffffff })),
  })
  .map(({ high, ...i }) => (i.opcode === 0x18 ? [i, { opcode: 0, dst: 0, src: 0, off: 0, imm: high }] : [i]))
  .filter((slots) => instructionFault(slots[0], slots[1]) === null);

/**
 * Instructions whose LLVM text does not determine their bytes, so no
 * assembler can round-trip them: llvm-objdump prints a local call and a
 * helper call alike (`call 0x6`; we read a positive number as a helper id and
 * a negative one as a local call), leaves out ld_ind's immediate, the high
 * half of ld_pseudo's immediate, and (without alu32) the fetch flag of a
 * 32-bit atomic add.
 */
function textIsLossy([i, next]: Instruction[], alu32: boolean): boolean {
  if (i.opcode === 0x85) return i.src === 0 ? i.imm < 0 : i.src !== 1 || i.imm >= 0;
  if ((i.opcode & 0xe7) === 0x40) return i.imm !== 0;
  if (i.opcode === 0x18) return i.src !== 0 && next.imm !== 0;
  if (i.opcode === 0xc3 && i.imm === 0x01) return !alu32;
  return false;
}

describe('asm: disassembler round trip', () => {
  for (const alu32 of [false, true]) {
    it(`random valid instruction -> disassemble${alu32 ? ' (alu32)' : ''} -> assemble gives the same slots`, () => {
      fc.assert(
        fc.property(validInstruction, (slots) => {
          fc.pre(!textIsLossy(slots, alu32));
          const text = disassemble(slots, 0, { alu32 });
          fc.pre(text !== UNKNOWN_TEXT);
          assert.deepEqual(assemble(text), slots, text);
        }),
        { numRuns: 3000 },
      );
    });
  }
});

const CLANG = 'clang-19';
const OBJCOPY = 'llvm-objcopy-19';
const OBJDUMP = 'llvm-objdump-19';
const toolsMissing = [CLANG, OBJCOPY, OBJDUMP].filter((t) => spawnSync(t, ['--version']).status !== 0);
const skip = toolsMissing.length > 0 ? `${toolsMissing.join(', ')} not installed` : undefined;

// Loops, sub-programs, a function pointer (callx), atomics, sign extension, byte swaps, signed division.
const C_SOURCE = `
typedef unsigned long long u64; typedef long long s64; typedef unsigned int u32; typedef signed char s8; typedef unsigned char u8; typedef short s16;
static __attribute__((noinline)) u64 mix(u64 a, u64 b) { return (a ^ (b >> 7)) * 0x100000001b3ULL + (s8)b; }
static __attribute__((noinline)) s64 sdivmod(s64 a, s64 b) { return b ? a / b + a % b : 0; }
typedef u64 (*fn)(u64, u64);
u64 entry(u8 *p, u64 n) {
  u64 h = 0xcbf29ce484222325ULL, cnt = 0; int s = 0; u32 w = 7;
  for (u64 i = 0; i < n && i < 1024; i++) { h ^= p[i]; h *= 0x100000001b3ULL; s += (s16)(p[i] << 8); }
  __sync_fetch_and_add(&cnt, 1); __atomic_fetch_or(&cnt, 2, __ATOMIC_SEQ_CST); __sync_fetch_and_add(&w, 3);
  __sync_val_compare_and_swap(&cnt, 3, 4); __sync_lock_test_and_set(&cnt, 9);
  volatile fn f = mix;
  return f(h, s) + sdivmod(h, n) + __builtin_bswap32(w) + __builtin_bswap64(cnt) + cnt + (s8)w;
}`;

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

describe('asm: against clang and llvm-objdump', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-asm-'));
  const c = join(dir, 'prog.c');
  writeFileSync(c, C_SOURCE);
  const build = (cpu: string, debug: boolean): { asm: string; text: Buffer; object: string } => {
    const s = join(dir, `prog-${cpu}.s`);
    const o = join(dir, `prog-${cpu}.o`);
    const bin = join(dir, `prog-${cpu}.bin`);
    run(CLANG, ['-O2', '-target', 'bpf', `-mcpu=${cpu}`, ...(debug ? ['-g'] : []), '-S', c, '-o', s]);
    run(CLANG, ['-O2', '-target', 'bpf', `-mcpu=${cpu}`, '-c', c, '-o', o]);
    run(OBJCOPY, ['-O', 'binary', '--only-section=.text', o, bin]);
    return { asm: readFileSync(s, 'utf8'), text: readFileSync(bin), object: o };
  };
  const v4 = build('v4', true);

  it('clang -S output (with -g: .loc, BTF and debug sections) assembles to the bytes of clang -c', () => {
    const ours = assemble(v4.asm);
    const theirs = decodeRaw(new Uint8Array(v4.text));
    assert.equal(ours.length, theirs.length);
    let functionPointers = 0;
    for (let i = 0; i < ours.length; i++) {
      if (ours[i].opcode === 0x18 && ours[i].src === BPF_PSEUDO_FUNC) {
        // clang leaves `r1 = mix ll` as a .text byte offset for the loader to
        // relocate (R_BPF_64_64); we write the loaded form, a slot count.
        assert.deepEqual({ ...theirs[i], imm: 0 }, { ...ours[i], src: 0, imm: 0 });
        assert.equal(theirs[i].imm, (i + ours[i].imm + 1) * 8);
        functionPointers++;
        continue;
      }
      assert.deepEqual(ours[i], theirs[i], `slot ${i}`);
    }
    assert.equal(functionPointers, 1);
  });

  it('every instruction llvm-objdump-19 -d prints assembles back to its bytes', () => {
    for (const flags of [[], ['--mattr=+alu32']]) {
      const rows = run(OBJDUMP, ['-d', ...flags, v4.object]).split('\n').filter((l) => /^\s+\d+:\t/.test(l));
      assert.ok(rows.length > 50);
      for (const row of rows) {
        const [, bytes, text] = row.split('\t');
        if (text.startsWith('call ') && bytes.startsWith('85 10')) continue; // local call printed as `call 0x..`
        if (bytes.startsWith('c3') && bytes.slice(12, 14) === '01' && flags.length === 0) continue; // fetch flag not printed
        assert.equal(Buffer.from(encode(assemble(text))).toString('hex'), bytes.replace(/ /g, ''), row);
      }
    }
  });

  it('removes its scratch directory', () => {
    rmSync(dir, { recursive: true, force: true });
  });
});
