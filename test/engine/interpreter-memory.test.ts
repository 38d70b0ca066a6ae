// Region-checked loads and stores: every access outside its region stops the
// program with a MemoryAccessError naming pc, address, size and region.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ARENA_BASE, Arena } from '../../src/memory/arena.js';
import { MemoryAccessError } from '../../src/memory/errors.js';
import * as op from '../../src/isa/opcodes.js';
import { createInterpreter } from '../../src/engine/interpreter/index.js';
import { STACK_BYTES } from '../../src/engine/interpreter/executable.js';
import { alu64K, callLocal, exit, jmpK, lddw, ldx, mov64, movReg, st, stx } from './build.js';
import { load, run } from './run.js';

const { BPF_B, BPF_W, BPF_DW } = op;

function fault(fn: () => unknown): MemoryAccessError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof MemoryAccessError, `expected MemoryAccessError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a memory fault');
}

describe('checked mode', () => {
  test('reading past the end of a region names pc, address, size and region', () => {
    const l = load([mov64(0, 0), ldx(BPF_DW, 0, 1, 4), exit()], new Uint8Array(8));
    const err = fault(() => l.run());
    assert.equal(err.pc, 1);
    assert.equal(err.address, l.pointer + 4n);
    assert.equal(err.size, 8);
    assert.equal(err.region, 'memory');
    assert.equal(err.write, false);
    assert.match(err.message, /^pc 1: invalid read of 8 bytes at 0xffff8880[0-9a-f]+ \(outside region memory\): region ends at/);
  });

  test('the last bytes of a region can be read', () => {
    assert.equal(run([ldx(BPF_W, 0, 1, 4), exit()], Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0])), 1n);
  });

  test('writing a read-only region', () => {
    const arena = new Arena();
    const at = arena.alloc(8);
    arena.addRegion(at, 8, 'global', '.rodata', false);
    const exe = createInterpreter({ insns: [st(BPF_B, 1, 0, 1), exit()] }, { arena, helpers: new Map() });
    assert.equal(createInterpreter({ insns: [ldx(BPF_B, 0, 1, 0), exit()] }, { arena, helpers: new Map() }).run([arena.pointer(at)]), 0n);
    const err = fault(() => exe.run([arena.pointer(at)]));
    assert.equal(err.write, true);
    assert.equal(err.region, '.rodata');
    assert.match(err.message, /region is read-only/);
  });

  test('a pointer outside every region (null, small numbers, other high halves)', () => {
    for (const base of [0n, 0x10n, ARENA_BASE - 8n, 0x7fff_8880_0000_0000n]) {
      const err = fault(() => createInterpreter({ insns: [ldx(BPF_B, 0, 1, 0), exit()] }, { arena: new Arena(), helpers: new Map() }).run([base]));
      assert.equal(err.address, base);
      assert.equal(err.region, null);
    }
  });

  test('an offset that borrows from the high half leaves the arena', () => {
    const err = fault(() => run([...lddw(1, ARENA_BASE), ldx(BPF_B, 0, 1, -8), exit()]));
    assert.equal(err.pc, 2);
    assert.equal(err.address, ARENA_BASE - 8n);
    assert.equal(err.region, null);
  });

  test('stack overflow below the stack region, from frame 0', () => {
    const err = fault(() => run([mov64(0, 0), stx(BPF_DW, 10, 0, -8), movReg(1, 10), alu64K(op.BPF_SUB, 1, STACK_BYTES + 8), ldx(BPF_DW, 0, 1, 0), exit()]));
    assert.equal(err.pc, 4);
    assert.equal(err.region, null);
  });

  test('stack overflow below the stack region, from the deepest frame', () => {
    // main: r1 = 6; call f; exit.
    // f: if r1 == 0 goto deep; r1 -= 1; call f; exit; deep: r0 = *(u64 *)(r10 - 520); exit
    // Frame 7 (the 8th) has r10 512 bytes above the start of the stack region.
    const f = [jmpK(op.BPF_JEQ, 1, 0, 3), alu64K(op.BPF_SUB, 1, 1), callLocal(-3), exit(), ldx(BPF_DW, 0, 10, -520), exit()];
    const err = fault(() => run([mov64(1, 6), callLocal(1), exit(), ...f]));
    assert.equal(err.pc, 7);
    assert.equal(err.region, null);
  });

  test('the stack frames of callers are reachable through pointers', () => {
    // main: *(r10 - 8) = 5; r1 = r10 - 8; call f; exit.  f: r0 = *(u64 *)r1; exit
    const insns = [st(BPF_DW, 10, -8, 5), movReg(1, 10), alu64K(op.BPF_ADD, 1, -8), callLocal(1), exit(), ldx(BPF_DW, 0, 1, 0), exit()];
    assert.equal(run(insns), 5n);
  });

  test('the error says which region a crossing access started in', () => {
    const arena = new Arena();
    const a = arena.alloc(8);
    arena.addRegion(a, 8, 'map_value', 'map counts value');
    const exe = createInterpreter({ insns: [ldx(BPF_DW, 0, 1, 4), exit()] }, { arena, helpers: new Map() });
    assert.equal(fault(() => exe.run([arena.pointer(a)])).region, 'map counts value');
  });
});

describe('unchecked mode', () => {
  test('accesses anywhere in the arena (by pointer or bare offset), never outside it', () => {
    const arena = new Arena();
    const at = arena.alloc(16);
    arena.bytes[at + 12] = 0x5a;
    const exe = createInterpreter({ insns: [ldx(BPF_B, 0, 1, 12), exit()] }, { arena, helpers: new Map(), checked: false });
    assert.equal(exe.run([arena.pointer(at)]), 0x5an);
    const outside = createInterpreter({ insns: [ldx(BPF_B, 0, 1, 0), exit()] }, { arena, helpers: new Map(), checked: false });
    assert.equal(fault(() => outside.run([arena.pointer(arena.size)])).region, null);
    assert.equal(fault(() => outside.run([BigInt(arena.size)])).address, BigInt(arena.size));
    // A bare offset (how 32-bit ctx fields such as xdp_md.data carry packet addresses).
    assert.equal(exe.run([BigInt(at)]), 0x5an);
  });
});
