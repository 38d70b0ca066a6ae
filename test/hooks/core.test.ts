import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { attach } from '../../src/hooks/attach.js';
import { fieldOffset, layoutOf } from '../../src/hooks/ctx/layout.js';
import { hookContextBtf } from '../../src/hooks/headers.js';
import { HTTP_SERVER_RESPONSE } from '../../src/hooks/tracepoints/http-server.js';
import { loadObject } from '../../src/object/load-object.js';

const fixture = join(import.meta.dirname, 'fixtures', 'core_status.bpf.o');

test('CO-RE relocations of tsbpf\'s context fields resolve against the hooks\' BTF, and the program counts real responses', async () => {
  const o = await loadObject(fixture, { coreTarget: hookContextBtf() });
  const status = fieldOffset(layoutOf(HTTP_SERVER_RESPONSE), 'status');
  assert.ok(o.spec.programs[0].insns.some((i) => i.imm === status), `an instruction carries the relocated offset ${status}`);
  const link = attach(o.program('by_status'));
  const server = http.createServer((q, r) => { r.statusCode = q.url === '/gone' ? 410 : 200; r.end(); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  for (const path of ['/', '/gone', '/', '/gone', '/gone']) {
    await new Promise((res) => http.get({ host: '127.0.0.1', port, path, agent: false }, (r) => { r.resume(); r.on('end', res); }));
  }
  await new Promise((r) => server.close(r));
  link.detach();
  assert.equal(o.map('statuses').get(200), 2n);
  assert.equal(o.map('statuses').get(410), 3n);
  o.close();
});
