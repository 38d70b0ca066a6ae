// ObjectProgram.attach(): on the VM backend, to the user-space hook the
// section names (or the one given); on the kernel backend, through a bpf link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TsbpfError } from '../../src/errors.js';
import { loadObject } from '../../src/object/load-object.js';
import { kernelSkipReason } from '../support/kernel.js';

const root = join(import.meta.dirname, '..', '..');
const httpLatency = join(root, 'examples', 'hooks', 'http_latency.bpf.o');

async function serveRequests(paths: readonly string[]): Promise<void> {
  const server = http.createServer((_q, r) => r.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  for (const path of paths) {
    await new Promise((resolve) => http.get({ host: '127.0.0.1', port, path, agent: false }, (r) => { r.resume(); r.on('end', resolve); }));
  }
  await new Promise((r) => server.close(r));
}

const routeCounts = (entries: Array<[unknown, unknown]>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [k, v] of entries) {
    const route = (k as { route: string }).route;
    out[route] = (out[route] ?? 0) + Number(v);
  }
  return out;
};

test('VM: program.attach() attaches to the hook its section names; detach() stops it', async () => {
  const o = await loadObject(httpLatency);
  const link = o.program('on_response').attach();
  assert.equal(link.hook, 'tracepoint/node/http_server_response');
  await serveRequests(['/a', '/a?x=1', '/b']);
  link.detach();
  await serveRequests(['/a']);
  assert.deepEqual(routeCounts(o.map('latency_hist').entries()), { '/a': 2, '/b': 1 });
  assert.equal(link.stats.runCount, 3);
  o.close();
});

test('VM: program.attach(hook) takes the hook to use instead of the section\'s', async () => {
  const o = await loadObject(httpLatency);
  assert.throws(() => o.program('on_response').attach('tracepoint/node/no_such_tracepoint'), /no_such_tracepoint/);
  const link = o.program('on_response').attach('tracepoint/node/http_server_response', { cookie: 7n });
  assert.equal(link.cookie, 7n);
  await serveRequests(['/c']);
  link.detach();
  assert.deepEqual(routeCounts(o.map('latency_hist').entries()), { '/c': 1 });
  o.close();
});

test('kernel: program.attach(hook) with a user-space hook name is refused with a clear error', { skip: kernelSkipReason() }, async () => {
  const o = await loadObject(join(root, 'examples', 'syscall-count', 'syscall_count.bpf.o'), { backend: 'kernel' });
  try {
    assert.throws(() => o.program('count_openat').attach('tracepoint/node/http_server_request'),
      (e: unknown) => e instanceof TsbpfError && /lives in the kernel/.test(e.message));
  } finally {
    o.close();
  }
});
