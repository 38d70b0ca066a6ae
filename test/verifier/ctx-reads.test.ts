// The context bytes the verifier finds a program may read (stats.ctxReads):
// direct loads and probe reads of known ranges; null whenever a context
// pointer goes anywhere the program could read the context through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../src/isa/asm/index.js';
import { verify, type VerifyOptions } from '../../src/verifier/index.js';
import type { CtxReadRanges } from '../../src/verifier/ctx-reads.js';

const HASH = { type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4 } as const;
const PROG_ARRAY = { type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 1 } as const;

/** The program's ctxReads; `r? = map ll` loads become map 0 references. Fails the test if the verifier refuses it. */
function readsOf(text: string, maps: VerifyOptions['maps'] = []): CtxReadRanges {
  const insns = assemble(text).map((insn) => (insn.opcode === 0x18 && insn.imm === 0x4d4150 ? { ...insn, imm: 0, src: 1 } : insn));
  const r = verify(insns, { progType: 'tracepoint', maps, logLevel: 1 });
  assert.equal(r.verdict, 'accept', r.log);
  return r.stats.ctxReads;
}

// 0x4d4150 ("MAP") marks the map reference in the texts below.
const MAP = '0x4d4150 ll';

test('direct loads: their bytes, merged where they meet', () => {
  assert.deepEqual(readsOf(`
    r0 = *(u64 *)(r1 + 16)
    r2 = *(u32 *)(r1 + 12)
    r3 = *(u8 *)(r1 + 40)
    r0 = 0
    exit`), [[12, 24], [40, 41]]);
  assert.deepEqual(readsOf('r0 = 0\nexit'), []);
});

test('a probe read from a context pointer reads its offset and size', () => {
  assert.deepEqual(readsOf(`
    r3 = r1
    r3 += 100
    r1 = r10
    r1 += -32
    r2 = 32
    call 113
    r0 = 0
    exit`), [[100, 132]]);
  // A size known only by its bound: up to the bound.
  assert.deepEqual(readsOf(`
    r6 = r1
    call 7
    r2 = r0
    r2 &= 31
    r3 = r6
    r3 += 8
    r1 = r10
    r1 += -32
    call 45
    r0 = 0
    exit`), [[8, 39]]);
});

test('a context pointer spilled and filled whole is still followed', () => {
  assert.deepEqual(readsOf(`
    *(u64 *)(r10 - 8) = r1
    r2 = *(u64 *)(r10 - 8)
    r0 = *(u32 *)(r2 + 8)
    r0 = 0
    exit`), [[8, 12]]);
});

test('any other road to the context bytes: everything', () => {
  // A helper given the context (a tail call runs another program on it).
  assert.equal(readsOf(`
    r2 = ${MAP}
    r3 = 0
    call 12
    r0 = 0
    exit`, [PROG_ARRAY]), null);
  // The context pointer stored in a map value.
  assert.equal(readsOf(`
    r6 = r1
    r1 = 0
    *(u32 *)(r10 - 4) = r1
    r2 = r10
    r2 += -4
    r1 = ${MAP}
    call 1
    if r0 == 0 goto out
    *(u64 *)(r0 + 0) = r6
  out:
    r0 = 0
    exit`, [HASH]), null);
  // Spilled, then read off the stack by a helper (the map gets its address).
  assert.equal(readsOf(`
    *(u64 *)(r10 - 8) = r1
    r1 = 0
    *(u32 *)(r10 - 12) = r1
    r2 = r10
    r2 += -12
    r3 = r10
    r3 += -8
    r4 = 0
    r1 = ${MAP}
    call 2
    r0 = 0
    exit`, [HASH]), null);
  // Exchanged into memory by an atomic.
  assert.equal(readsOf(`
    r2 = 0
    *(u64 *)(r10 - 8) = r2
    r2 = r1
    r2 = atomic64_xchg((u64 *)(r10 - 8), r2)
    r0 = 0
    exit`), null);
  // Two context pointers subtracted: a number the program can read through.
  assert.equal(readsOf(`
    r2 = r1
    r2 -= r1
    r0 = 0
    exit`), null);
  // A probe read at a variable offset.
  assert.equal(readsOf(`
    r6 = r1
    call 7
    r0 &= 7
    r3 = r6
    r3 += r0
    r1 = r10
    r1 += -32
    r2 = 8
    call 113
    r0 = 0
    exit`), null);
});
