// Long-running fuzzing of the ELF loader and the BTF parser/codecs (the test
// suite runs a few thousand cases; this runs as many as asked):
//   node --import tsx scripts/fuzz-loader.ts [iterations]
// Prints how inputs ended (accepted, or which typed error) and stops at the
// first untyped exception, printing the input's seed.
import fc from 'fast-check';
import { parseObjectSpec, readElf, ElfError } from '../src/elf/index.js';
import { Btf, BtfError, decodeBtfValue, formatBpftoolValue } from '../src/btf/index.js';
import { fixtureBytes, fixtureNames } from '../test/support/fixtures.js';

const iterations = Number(process.argv[2] ?? 20000);
const fixtures = fixtureNames().map((n) => fixtureBytes(n));
const outcomes = new Map<string, number>();
let slowest = 0;

function note(key: string): void {
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
}

function run(bytes: Uint8Array): void {
  const t0 = performance.now();
  try {
    const spec = parseObjectSpec(bytes);
    note('accepted');
    const btf = spec.btf;
    if (btf !== null) {
      for (const t of btf.all()) {
        const size = btf.sizeOrUnsized(t.id);
        if (size < 0 || size > 4096) continue;
        const value = bytes.subarray(0, size).length === size ? bytes.subarray(0, size) : new Uint8Array(size);
        try { decodeBtfValue(btf, t.id, value); formatBpftoolValue(btf, t.id, value); } catch (e) { if (!(e instanceof BtfError)) throw e; }
      }
    }
  } catch (e) {
    if (e instanceof ElfError || e instanceof BtfError) note(`${e.name}: ${e.reason.replace(/0x[0-9a-f]+|\d+/g, 'N').replace(/'[^']*'/g, "'…'").slice(0, 70)}`);
    else throw e;
  } finally {
    slowest = Math.max(slowest, performance.now() - t0);
  }
}

const mutation = fc.tuple(fc.nat({ max: fixtures.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 0xffffffff }), fc.boolean()), { minLength: 1, maxLength: 6 }));
fc.assert(fc.property(mutation, ([which, edits]) => {
  const original = fixtures[which];
  const elf = readElf(original);
  const copy = new Uint8Array(original);
  const view = new DataView(copy.buffer);
  for (const [where, value, structured] of edits) {
    // Structured edits hit header/section-table/symbol/relocation words; the others any word.
    let at = where % (copy.length - 3);
    if (structured) {
      const s = elf.sections[where % elf.sections.length];
      at = s.size >= 4 && s.type !== 8 ? s.offset + ((where >>> 8) % (s.size - 3)) : elf.header.shoff + (where % elf.sections.length) * 64;
    }
    view.setUint32(at & ~3, value, true);
  }
  run(copy);
}), { numRuns: iterations });

const sorted = [...outcomes.entries()].sort((a, b) => b[1] - a[1]);
for (const [k, n] of sorted) console.log(String(n).padStart(7), k);
console.log(`${iterations} inputs, slowest ${slowest.toFixed(1)} ms`);
void Btf;
