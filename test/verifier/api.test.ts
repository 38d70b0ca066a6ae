// The verifier's API beyond verdicts: statistics, the typed error, the
// options that describe maps and contexts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../src/isa/asm/index.js';
import { VerifierError, verify, verifyOrThrow } from '../../src/verifier/index.js';

const asm = (text: string) => assemble(text);

test('stats: processed instructions, states and stack depth', () => {
  const r = verify(asm(`
    r1 = 0
    *(u64 *)(r10 - 16) = r1
    r0 = 0
    exit`), { progType: 'socket_filter' });
  assert.equal(r.verdict, 'accept');
  assert.equal(r.processed, 4);
  assert.equal(r.stats.processed, 4);
  assert.deepEqual(r.stats.stackDepth, [16]);
  assert.ok(r.stats.timeUs >= 0);
});

test('maxCtxOffset: one past the last context byte read', () => {
  const r = verify(asm(`
    r0 = *(u64 *)(r1 + 16)
    r2 = *(u32 *)(r1 + 12)
    r0 = 0
    exit`), { progType: 'tracepoint' });
  assert.equal(r.verdict, 'accept');
  assert.equal(r.stats.maxCtxOffset, 24);
  const none = verify(asm('r0 = 0\nexit'), { progType: 'tracepoint' });
  assert.equal(none.stats.maxCtxOffset, 0);
});

test('verifyOrThrow: a VerifierError with the instruction, errno and log', () => {
  const prog = asm(`
    r0 = *(u64 *)(r10 - 8)
    exit`);
  assert.throws(() => verifyOrThrow(prog, { progType: 'socket_filter', unprivileged: true, logLevel: 1 }), (err: unknown) => {
    assert.ok(err instanceof VerifierError);
    assert.equal(err.insn, 0);
    assert.equal(err.reason, 'invalid read from stack R10 off=-8 size=8');
    assert.equal(err.errno, 'EACCES');
    assert.match(err.log, /^0: \(79\) r0 = \*\(u64 \*\)\(r10 -8\)\ninvalid read from stack R10 off=-8 size=8\n/m);
    return true;
  });
  // Privileged loaders may read uninitialised stack.
  assert.equal(verifyOrThrow(prog, { progType: 'socket_filter' }).verdict, 'accept');
});

test('frozen read-only maps: constant reads, and only when frozen', () => {
  const prog = asm(`
    r1 = 0 ll
    r0 = *(u32 *)(r1 + 0)
    exit`).map((insn, i) => (i === 0 ? { ...insn, src: 2 } : insn));
  const value = Uint8Array.of(7, 0, 0, 0, 0, 0, 0, 0);
  const frozen = verify(prog, {
    progType: 'socket_filter', logLevel: 2,
    maps: [{ type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0x80, frozenValue: value }],
  });
  assert.match(frozen.log, /R0=7\b/);
  const writable = verify(prog, {
    progType: 'socket_filter', logLevel: 2,
    maps: [{ type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, frozenValue: value }],
  });
  assert.doesNotMatch(writable.log, /R0=7\b/);
});

test('log levels: 0 none, 1 the failing path, 2 every instruction', () => {
  const prog = asm(`
    r0 = 1
    if r0 > 2 goto +1
    r0 = 0
    exit`);
  assert.equal(verify(prog, { progType: 'socket_filter', logLevel: 0 }).log, '');
  const l1 = verify(prog, { progType: 'socket_filter', logLevel: 1 }).log;
  assert.match(l1, /^3: \(95\) exit\nprocessed 4 insns \(limit 1000000\) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n$/m);
  assert.doesNotMatch(l1, /Live regs before insn/);
  const l2 = verify(prog, { progType: 'socket_filter', logLevel: 2 }).log;
  assert.match(l2, /^Live regs before insn:$/m);
  assert.match(l2, /^0: \(b7\) r0 = 1 +; R0=1$/m);
  // The branch is decided by r0: it becomes precise, back to where it was set.
  assert.match(l2, /^1: \(25\) if r0 > 0x2 goto pc\+1\nmark_precise: frame0: last_idx 1 first_idx 0 subseq_idx -1 \nmark_precise: frame0: regs=r0 stack= before 0: \(b7\) r0 = 1\n1: R0=1$/m);
});

test('callback loops converge: a counter in the context widens', () => {
  const prog = asm(`
    r1 = 0
    *(u64 *)(r10 - 8) = r1
    r1 = 1000000
    r2 = cb ll
    r3 = r10
    r3 += -8
    r4 = 0
    call 181
    r0 = 0
    exit
  cb:
    r3 = *(u64 *)(r2 + 0)
    r3 += 1
    *(u64 *)(r2 + 0) = r3
    r0 = 0
    exit`);
  const r = verify(prog, { progType: 'socket_filter', funcInfo: true });
  assert.equal(r.verdict, 'accept', r.error);
  assert.ok(r.processed < 100, `processed ${r.processed}`);
});

test('unprivileged: a program type other than socket_filter or cgroup_skb is refused with EPERM', () => {
  const r = verify(assemble('r0 = 2\nexit'), { progType: 'xdp', unprivileged: true });
  assert.equal(r.verdict, 'reject');
  assert.equal(r.errno, 'EPERM');
  assert.equal(verify(assemble('r0 = 1\nexit'), { progType: 'cgroup_skb', unprivileged: true }).verdict, 'accept');
});
