// A digest of the verifier's results (verdict, error lines, instruction,
// stats and the log at levels 1 and 2) over the corpus, the fixtures, the
// benchmark's generated programs and seeded random and mutated programs, one
// line per run: diff two of them to see that a change to the verifier (a
// speed-up) changed nothing it reports.
//   node --import tsx scripts/verifier-snapshot.ts > /tmp/a.txt
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadObjectSpec } from '../src/elf/load.js';
import type { Instruction } from '../src/isa/instruction.js';
import * as op from '../src/isa/opcodes.js';
import { memoryContextRules, programVerifyOptions, verify, type VerifyOptions } from '../src/verifier/index.js';
import { loopProgram } from '../bench/verifier.js';
import { assembleCase, loadCorpus } from '../test/verifier/corpus.js';
import { KNOWN_OPCODES, mutate, mutationArb } from '../test/verifier/mutation.js';
import { MEM_SIZE, randomProgram } from '../test/support/random-program.js';

const root = join(import.meta.dirname, '..');
const random = Number(process.argv[2] ?? 1500);
const hash = (s: string): string => createHash('sha1').update(s).digest('hex').slice(0, 12);

function line(name: string, insns: readonly Instruction[], options: VerifyOptions, levels: readonly (0 | 1 | 2)[] = [0, 1, 2]): void {
  const parts: string[] = [];
  for (const logLevel of levels) {
    const r = verify(insns, { ...options, logLevel });
    const { timeUs: _t, ...stats } = r.stats;
    parts.push(`${r.verdict} ${r.insn ?? '-'} ${r.errno ?? '-'} ${JSON.stringify(r.errorLines ?? [])} ${JSON.stringify(stats)} dead=${(r.deadCode ?? []).length} log=${hash(r.log)}`);
  }
  console.log(`${name}: ${parts.join(' | ')}`);
}

for (const c of loadCorpus()) {
  if (c.slow) continue;
  let insns: Instruction[];
  try { insns = assembleCase(c.source); } catch { continue; }
  line(`corpus ${c.file}:${c.line}`, insns, { progType: c.progType, maps: c.maps, unprivileged: c.unprivileged, funcInfo: c.funcInfo });
}
for (const file of readdirSync(join(root, 'test/fixtures')).filter((f) => f.endsWith('.o')).sort()) {
  const spec = loadObjectSpec(join(root, 'test/fixtures', file));
  for (const p of spec.programs) {
    line(`fixture ${file}:${p.name}`, p.insns, programVerifyOptions(p, spec));
    line(`fixture-unpriv ${file}:${p.name}`, p.insns, { ...programVerifyOptions(p, spec), unprivileged: true });
  }
}
line('generated 4', loopProgram(4), { progType: 'socket_filter' });
line('generated 136', loopProgram(136), { progType: 'socket_filter' }, [0]);

const rules = memoryContextRules(MEM_SIZE);
fc.sample(fc.tuple(randomProgram({ maxUnits: 16 }), fc.array(mutationArb, { minLength: 0, maxLength: 3 })), { numRuns: random, seed: 42 })
  .forEach(([p, mutations], i) => {
    line(`random ${i}`, mutate(p.insns, mutations), { progType: 'syscall', rules, complexityLimit: 100_000 });
  });
fc.sample(fc.array(fc.record({
  opcode: fc.oneof(fc.constantFrom(...KNOWN_OPCODES, op.LD_IMM64), fc.integer({ min: 0, max: 255 })),
  dst: fc.integer({ min: 0, max: 15 }), src: fc.integer({ min: 0, max: 15 }),
  off: fc.integer({ min: -0x8000, max: 0x7fff }), imm: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
}), { minLength: 1, maxLength: 24 }), { numRuns: random, seed: 7 }).forEach((insns, i) => {
  line(`raw ${i}`, insns, { progType: 'socket_filter' }, [2]);
});
