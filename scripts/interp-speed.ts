// Interpreter speed on compute loops (the programs clang -O2 -mcpu=v3 emits
// for the C in the comments), under the conformance convention with 1 KiB of
// memory. Prints ns/run and instructions per second, checked and unchecked.
//   node --import tsx scripts/interp-speed.ts [runs]
import { createInterpreter } from '../src/engine/interpreter/index.js';
import { conformanceHelpers } from '../src/helpers/conformance.js';
import { assemble } from '../src/isa/asm/index.js';
import { Arena } from '../src/memory/arena.js';

interface Program {
  name: string;
  source: string;
}

const PROGRAMS: Program[] = [
  {
    // h = FNV offset; for (i < len) { h ^= mem[i]; h *= FNV prime; }
    name: 'fnv1a-1KiB',
    source: `
      r0 = 0xcbf29ce484222325 ll
      if r2 == 0 goto +10
      r3 = 0
      r4 = 0x100000001b3 ll
    loop:
      r5 = r1
      r5 += r3
      r5 = *(u8 *)(r5 + 0)
      r0 ^= r5
      r0 *= r4
      r3 += 1
      if r3 < r2 goto loop
      exit`,
  },
  {
    // 16-bit big-endian one's-complement sum of the memory, folded and inverted
    name: 'inet-csum-1KiB',
    source: `
      r0 = 0
      if r2 < 2 goto done
      r3 = 0
      r5 = 0
      r4 = 0
    loop:
      r0 = r1
      r0 += r3
      r6 = *(u8 *)(r0 + 1)
      r0 = *(u8 *)(r0 + 0)
      r0 <<= 8
      r0 |= r6
      r0 += r5
      r4 += 2
      r6 = r3
      r6 += 3
      r3 = r4
      r5 = r0
      if r6 < r2 goto loop
      if r0 < 0x10000 goto invert
    fold:
      r1 = r0
      r1 >>= 16
      r0 &= 0xffff
      r0 += r1
      if r0 > 0xffff goto fold
    invert:
      r0 ^= 0xffff
    done:
      exit`,
  },
  {
    // 1000 rounds of xorshift64, summing x % 1000003 (64-bit modulo)
    name: 'xorshift-mod-1000',
    source: `
      r3 = 0x139408dcbbf7a44 ll
      r2 = 0
      w1 = 1000
    loop:
      r4 = r3
      r4 <<= 13
      r4 ^= r3
      r5 = r4
      r5 >>= 7
      r5 ^= r4
      r3 = r5
      r3 <<= 17
      r3 ^= r5
      r0 = r3
      r0 %= 1000003
      r0 += r2
      w1 += -1
      r2 = r0
      if w1 == 0 goto +1
      goto loop
      exit`,
  },
];

const runs = Number(process.argv[2] ?? 3000);
const mem = Uint8Array.from({ length: 1024 }, (_, i) => (i * 131 + 7) & 0xff);

for (const checked of process.argv[3] === "unchecked-first" ? [false, true] : [true, false]) {
  for (const p of PROGRAMS) {
    const arena = new Arena();
    const exe = createInterpreter({ insns: assemble(p.source), name: p.name }, { arena, helpers: conformanceHelpers(), checked });
    const at = arena.alloc(mem.length);
    arena.bytes.set(mem, at);
    arena.addRegion(at, mem.length, 'mem', 'memory');
    const args = [arena.pointer(at), BigInt(mem.length)];
    for (let i = 0; i < Math.max(200, runs / 10); i++) exe.run(args); // warm up the JIT
    let instructions = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) {
      exe.run(args);
      instructions += exe.lastInstructionCount;
    }
    const ns = Number(process.hrtime.bigint() - start);
    const perRun = ns / runs;
    console.log(`${p.name.padEnd(20)} ${checked ? 'checked  ' : 'unchecked'} ${(perRun / 1000).toFixed(1).padStart(8)} us/run`
      + `  ${(instructions / runs).toFixed(0).padStart(6)} insns/run  ${(instructions / ns * 1000).toFixed(1).padStart(6)} M insns/s`);
  }
}
