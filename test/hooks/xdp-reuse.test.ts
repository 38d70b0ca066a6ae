// The XDP hook keeps one xdp_buff per arena and reloads it frame after
// frame: a program must see exactly what a fresh buffer would show it
// (zeroed headroom after adjust_head/adjust_meta exposed and dirtied it,
// zero-grown tails, no fragments left over), and a detached program must
// leave no buffer behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { attach } from '../../src/hooks/attach.js';
import { PacketInterface } from '../../src/hooks/packets/packet-interface.js';
import { HELPER_TABLE } from '../../src/helpers/table.js';
import { Arena } from '../../src/memory/arena.js';
import { asmProgram, packetPointerSkip } from './support.js';

/**
 * frame[0] picks what the program does, frame[1] & 31 how much:
 * 1 grows the head and marks its first byte, 2 grows the tail, 3 adds
 * 8 bytes of metadata and fills them, 4 drops; anything else passes.
 */
const REWRITER = `
    r6 = r1
    r2 = *(u32 *)(r6 + 0)
    r3 = *(u32 *)(r6 + 4)
    r4 = r2
    r4 += 2
    if r4 > r3 goto pass
    r7 = *(u8 *)(r2 + 0)
    r8 = *(u8 *)(r2 + 1)
    r8 &= 31
    if r7 == 1 goto head
    if r7 == 2 goto tail
    if r7 == 3 goto meta
    if r7 == 4 goto drop
    goto pass
  head:
    r1 = r6
    r2 = 0
    r2 -= r8
    call 44
    r2 = *(u32 *)(r6 + 0)
    r3 = *(u32 *)(r6 + 4)
    r4 = r2
    r4 += 1
    if r4 > r3 goto pass
    *(u8 *)(r2 + 0) = 0xee
    goto pass
  tail:
    r1 = r6
    r2 = r8
    call 65
    goto pass
  meta:
    r1 = r6
    r2 = -8
    call 54
    r2 = *(u32 *)(r6 + 8)
    r3 = *(u32 *)(r6 + 0)
    r4 = r2
    r4 += 8
    if r4 > r3 goto pass
    *(u64 *)(r2 + 0) = 0x5a5a5a5a
    goto pass
  drop:
    r0 = 1
    exit
  pass:
    r0 = 2
    exit`;

const frameArb = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(fc.integer({ min: 0, max: 5 }), fc.uint8Array({ minLength: 13, maxLength: 160 })).map(([op, rest]) => Uint8Array.from([op, ...rest])) },
  // Frames that need fragments, and frames too short for Ethernet (skipped).
  { weight: 1, arbitrary: fc.integer({ min: 3500, max: 3700 }).map((n) => new Uint8Array(n).fill(0x11)) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 0, maxLength: 13 }) },
);

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

for (const engine of ['interp', 'jit'] as const) {
  test(`XDP buffers reloaded frame after frame = a fresh buffer per frame (${engine})`, { skip: packetPointerSkip(engine) }, () => {
    let n = 0;
    fc.assert(fc.property(fc.array(frameArb, { minLength: 1, maxLength: 25 }), (frames) => {
      const reusedArena = new Arena();
      const freshArena = new Arena();
      const program = (arena: Arena) => asmProgram(REWRITER, { type: 'xdp', engine, arena, helpers: HELPER_TABLE });
      const reused = new PacketInterface(`xdp-reuse-${engine}-${n}`);
      const fresh = new PacketInterface(`xdp-fresh-${engine}-${n++}`);
      try {
        const reusedProgram = program(reusedArena);
        const freshProgram = program(freshArena);
        const regionsBefore = reusedArena.listRegions().length;
        const link = attach(reusedProgram, 'xdp', { interface: reused });
        frames.forEach((frame, i) => {
          const a = reused.receive(frame);
          // Attached for one frame only: its buffer is made for it and released after.
          const once = attach(freshProgram, 'xdp', { interface: fresh });
          const b = fresh.receive(frame);
          once.detach();
          const show = (r: typeof a): string => `${r.action} ${r.skipped} ${hex(r.frame)} ${r.delivered ? hex(r.delivered) : '-'}`;
          assert.equal(show(a), show(b), `frame ${i} of ${frames.length}`);
        });
        assert.deepEqual(reused.counts, fresh.counts);
        link.detach();
        assert.equal(reusedArena.listRegions().length, regionsBefore, 'the detached program left no buffer in its arena');
        assert.equal(freshArena.listRegions().length, regionsBefore);
      } finally {
        reused.close();
        fresh.close();
      }
    }), { numRuns: 40 });
  });
}

test('a frame the programs leave unchanged is passed on as it came, and one they rewrite is a copy', { skip: packetPointerSkip('interp') }, () => {
  const iface = new PacketInterface('xdp-reuse-identity');
  try {
    attach(asmProgram(REWRITER, { type: 'xdp', helpers: HELPER_TABLE }), 'xdp', { interface: iface });
    const untouched = Uint8Array.from({ length: 60 }, (_, i) => (i === 0 ? 0 : i));
    assert.equal(iface.receive(untouched).delivered, untouched);
    const grown = Uint8Array.from({ length: 60 }, (_, i) => (i === 0 ? 2 : i === 1 ? 4 : i));
    const r = iface.receive(grown);
    assert.notEqual(r.frame, grown);
    assert.equal(r.frame.length, 64);
    assert.deepEqual([...r.frame.subarray(60)], [0, 0, 0, 0]);
    assert.equal(grown.length, 60, 'the input is not changed');
  } finally {
    iface.close();
  }
});
