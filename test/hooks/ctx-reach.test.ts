// max_ctx_offset on tsbpf's hooks: a program verified against a hook's
// context that reads past the kernel struct (tsbpf_uprobe_ctx past pt_regs)
// test-runs on a context that covers the read, and a hook whose context is
// shorter than the program reads refuses it at attach.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dc from 'node:diagnostics_channel';
import { join } from 'node:path';
import { CtxAccessError } from '../../src/hooks/errors.js';
import { UPROBE_AT, UPROBE_LAYOUT } from '../../src/hooks/uprobes/uprobe-ctx.js';
import { loadObject } from '../../src/object/load-object.js';

const fixture = join(import.meta.dirname, 'fixtures', 'ctx_reach.bpf.o');

test('a uprobe program reading past pt_regs test-runs on a context that covers the read', async () => {
  const o = await loadObject(fixture);
  const p = o.program('uprobe_latency');
  assert.equal(p.vmProgram?.maxCtxOffset, UPROBE_AT.latencyNs + 8);
  // pt_regs alone: latency_ns is there, zeroed.
  assert.equal(p.testRun({ ctxIn: new Uint8Array(168).fill(0xff) }).retval, 0);
  // ctx_in may fill the hook's fields the program reads...
  const ctx = new Uint8Array(UPROBE_AT.latencyNs + 8);
  new DataView(ctx.buffer).setBigUint64(UPROBE_AT.latencyNs, 5n, true);
  assert.equal(p.testRun({ ctxIn: ctx }).retval, 1);
  // ...but not go past them.
  assert.throws(() => p.testRun({ ctxIn: new Uint8Array(UPROBE_LAYOUT.size).fill(1) }), /ctx_in is larger than pt_regs \(184 bytes\)/);
  o.close();
});

test('a hook whose context is shorter than the program reads refuses it at attach', async () => {
  const o = await loadObject(fixture);
  const p = o.program('request_host_end');
  assert.equal(p.vmProgram?.maxCtxOffset, 292);
  assert.throws(() => p.attach('tracepoint/node/http_server_response'), (e: unknown) => {
    assert.ok(e instanceof CtxAccessError);
    assert.match(e.message, /request_host_end reads its context up to byte 292, but tracepoint\/node\/http_server_response passes 240 bytes/);
    return true;
  });
  assert.equal(dc.hasSubscribers('http.server.response.finish'), false);
  const link = p.attach();
  assert.equal(link.hook, 'tracepoint/node/http_server_request');
  link.detach();
  o.close();
});
