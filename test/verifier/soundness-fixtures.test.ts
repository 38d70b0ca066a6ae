// Soundness under attack, on real programs: the fixture objects' programs,
// mutated instruction by instruction. Whatever tsbpf's verifier accepts runs
// in the interpreter with every memory region checked (as unverified
// programs do), on packets shaped to reach deep into the parsers, and must
// end normally: no memory fault, no helper fault, no budget overrun.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadObjectSpec } from '../../src/elf/index.js';
import type { ObjectSpec } from '../../src/elf/object-spec.js';
import { ExecutionError } from '../../src/engine/errors.js';
import { DecodeError } from '../../src/isa/errors.js';
import { MemoryAccessError } from '../../src/memory/errors.js';
import { loadObject } from '../../src/object/index.js';
import { sanitizeDeadCode, verifyProgramSpec } from '../../src/verifier/index.js';
import { mutate, mutationArb } from './mutation.js';

const RUNS = Number(process.env.TSBPF_SOUNDNESS_FIXTURE_RUNS ?? 400);
const fixturesDir = new URL('../fixtures/', import.meta.url).pathname;
/** Fixtures with programs a packet runs (socket, xdp, tc). */
const FIXTURES = ['socket_filter.o', 'xdp_firewall.o', 'tc_classifier.o', 'proto_counter.o', 'bounded_loop.o', 'tail_calls.o', 'ringbuf_events.o'];

/** Ethernet + IPv4 + TCP/UDP headers with the protocol and lengths varied, then noise. */
function packet(proto: number, extra: readonly number[], len: number): Uint8Array {
  const p = new Uint8Array(len);
  for (let i = 0; i < len; i++) p[i] = extra[i % extra.length] ?? 0;
  // IPv4 when the header fits (skb test runs refuse a truncated one), else ARP.
  if (len >= 14) { p[12] = 0x08; p[13] = len >= 34 ? 0x00 : 0x06; }
  if (len >= 34) {
    p[14] = 0x45; p[16] = 0; p[17] = Math.min(len - 14, 255); p[22] = 64; p[23] = proto;
  }
  if (len >= 54) { p[46] = 0x50; p[47] = 0x02; }
  return p;
}

const packetArb = fc.tuple(fc.constantFrom(6, 17, 1, 58), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }), fc.integer({ min: 14, max: 200 }))
  .map(([proto, extra, len]) => packet(proto, extra, len));

const specs = new Map<string, ObjectSpec>(FIXTURES.map((f) => [f, loadObjectSpec(fixturesDir + f)]));

/** Faults the engine reports for what a verified program must never do. */
const isFault = (err: unknown): boolean => err instanceof MemoryAccessError || err instanceof ExecutionError;

test('verified mutants of the fixtures never fault in the interpreter', async () => {
  let accepted = 0;
  let total = 0;
  await fc.assert(fc.asyncProperty(
    fc.constantFrom(...FIXTURES), fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 2 }), fc.array(packetArb, { minLength: 2, maxLength: 4 }),
    async (file, which, mutations, packets) => {
      const base = specs.get(file)!;
      const index = which % base.programs.length;
      const program = base.programs[index];
      let mutated = { ...program, insns: mutate(program.insns, mutations) };
      let spec: ObjectSpec = { ...base, programs: base.programs.map((p, i) => (i === index ? mutated : p)) };
      total++;
      const result = verifyProgramSpec(mutated, spec);
      if (result.verdict !== 'accept') return;
      // What no path reaches is not checked: the kernel rewrites it after
      // relocation; here before, so the lddw the relocations name stay.
      const lddw = new Set<number>();
      mutated.insns.forEach((insn, i) => { if (insn.opcode === 0x18) { lddw.add(i); lddw.add(i + 1); } });
      mutated = { ...mutated, insns: sanitizeDeadCode(mutated.insns, (result.deadCode ?? []).filter((i) => !lddw.has(i))) };
      spec = { ...spec, programs: spec.programs.map((p, i) => (i === index ? mutated : p)) };
      // The others must still verify for the object to mean the same thing.
      if (spec.programs.some((p, i) => i !== index && verifyProgramSpec(p, spec).verdict !== 'accept')) return;
      let obj;
      try {
        obj = await loadObject(spec, { verify: false, engine: 'interp', budget: 2_000_000 });
      } catch (err) {
        // The engines refuse some reserved-field encodings the kernel's verifier
        // does not look at (an exit with an offset): such a program never runs.
        if (err instanceof DecodeError) return;
        throw err;
      }
      accepted++;
      try {
        for (const dataIn of packets) {
          try {
            obj.program(mutated.name).testRun({ dataIn });
          } catch (err) {
            if (isFault(err)) assert.fail(`${file}/${mutated.name}: verified mutant faulted: ${(err as Error).message}\nmutations ${JSON.stringify(mutations)}`);
            throw err;
          }
        }
      } finally {
        obj.close();
      }
    },
  ), { numRuns: RUNS });
  process.stdout.write(`# ${accepted} of ${total} fixture mutants verified and ran without a fault\n`);
  assert.ok(accepted > total / 40, `too few mutants accepted (${accepted} of ${total}) for the test to mean much`);
});
