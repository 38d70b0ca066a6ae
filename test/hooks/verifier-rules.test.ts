import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadObjectSpec } from '../../src/elf/load.js';
import { assemble } from '../../src/isa/asm/index.js';
import { layoutOf } from '../../src/hooks/ctx/layout.js';
import { HTTP_SERVER_REQUEST } from '../../src/hooks/tracepoints/http-server.js';
import { UPROBE_LAYOUT } from '../../src/hooks/uprobes/uprobe-ctx.js';
import { hookVerifierRules } from '../../src/verifier/hook-rules.js';
import { verify } from '../../src/verifier/verify.js';
import { join } from 'node:path';

const examples = join(import.meta.dirname, '..', '..', 'examples', 'hooks');

test('hook rules: tsbpf\'s longer uprobe and perf_event contexts verify; the kernel\'s own rules refuse them', () => {
  for (const name of ['db_latency', 'loop_lag']) {
    const spec = loadObjectSpec(join(examples, `${name}.bpf.o`));
    const maps = spec.maps.map((m) => ({ type: m.typeId, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags, name: m.name }));
    for (const p of spec.programs) {
      assert.match(verify(p.insns, { progType: p.typeId, maps }).error ?? '', /invalid bpf_context access/, p.name);
      const r = verify(p.insns, { progType: p.typeId, maps, rules: hookVerifierRules(p.section, p.typeId) });
      assert.equal(r.verdict, 'accept', `${p.name}: ${r.error}`);
    }
  }
});

test('hook rules: a read past a tracepoint record or a uprobe context is refused, as are writes and the common header', () => {
  const size = layoutOf(HTTP_SERVER_REQUEST).size;
  const tp = (off: number, insn = 'r0 = *(u64 *)(r1 + OFF)') => verify(assemble(`${insn.replace('OFF', String(off))}\nr0 = 0\nexit`), {
    progType: 'tracepoint', rules: hookVerifierRules('tracepoint/node/http_server_request', 'tracepoint'),
  });
  assert.equal(tp(size - 8).verdict, 'accept');
  assert.match(tp(size).error ?? '', /invalid bpf_context access off=296 size=8/);
  assert.equal(verify(assemble(`r0 = *(u64 *)(r1 + ${size})\nr0 = 0\nexit`), { progType: 'tracepoint' }).verdict, 'accept', 'the kernel\'s rule alone allows it (it checks at attach)');
  assert.equal(tp(0).verdict, 'reject', 'the common header is not readable');
  assert.equal(tp(8, '*(u64 *)(r1 + OFF) = r1').verdict, 'reject');
  const up = (off: number) => verify(assemble(`r0 = *(u32 *)(r1 + ${off})\nr0 = 0\nexit`), {
    progType: 'kprobe', rules: hookVerifierRules('uprobe/./lib/db.js:query', 'kprobe'),
  }).verdict;
  assert.equal(up(UPROBE_LAYOUT.size - 4), 'accept');
  assert.equal(up(UPROBE_LAYOUT.size), 'reject');
  assert.equal(hookVerifierRules('xdp', 'xdp'), undefined);
  assert.equal(hookVerifierRules('tracepoint/sched/sched_switch', 'tracepoint'), undefined);
});
