import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { attach } from '../../src/hooks/attach.js';
import { fieldOffset, layoutOf, type StructDef } from '../../src/hooks/ctx/layout.js';
import type { Link } from '../../src/hooks/link.js';
import { NODE_TRACEPOINTS } from '../../src/hooks/tracepoints/node-table.js';
import { Arena } from '../../src/memory/arena.js';
import { asmProgram } from './support.js';

/**
 * Attaches to `name` a program that reports the u64/u32/u16 field `field`
 * through helper 6; returns the values seen. `alone`: the program says it
 * reads that field and nothing else, as the verifier would say of it.
 */
function watch(name: string, struct: StructDef, field: string, size: 2 | 4 | 8, links: Link[], alone = false): bigint[] {
  const seen: bigint[] = [];
  const off = fieldOffset(layoutOf(struct), field);
  const width = { 2: 'u16', 4: 'u32', 8: 'u64' }[size];
  links.push(attach(asmProgram(`r1 = *(${width} *)(r1 + ${off})\ncall 6\nr0 = 0\nexit`, {
    type: 'tracepoint', arena: new Arena(), helpers: new Map([[6, (_e, r1) => { seen.push(r1); return 0n; }]]),
    ...(alone ? { ctxReads: [[off, off + size]] } : {}),
  }), `tracepoint/node/${name}`));
  return seen;
}

test('every Node.js tracepoint fires on real activity with its fields filled', async () => {
  const def = (n: string) => NODE_TRACEPOINTS.find((d) => d.name === n)!;
  const links: Link[] = [];
  const w = (n: string, field: string, size: 2 | 4 | 8) => watch(n, def(n).struct, field, size, links);
  const seen = {
    clientReq: w('http_client_request', 'port', 2),
    clientRes: w('http_client_response', 'status', 2),
    serverSock: w('net_server_socket', 'lport', 2),
    clientSock: w('net_client_socket', 'rport', 2),
    udp: w('udp_socket', 'family', 2),
    child: w('child_process', 'child_pid', 4),
    worker: w('worker_threads', 'worker_tid', 4),
    undiciCreate: w('undici_request_create', 'req_id', 8),
    undiciHeaders: w('undici_request_headers', 'status', 2),
    undiciError: w('undici_request_error', 'req_id', 8),
  };
  try {
    const server = http.createServer((q, r) => { r.statusCode = 201; r.end('x'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((res) => http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (r) => { r.resume(); r.on('end', res); }));
    assert.equal((await fetch(`http://127.0.0.1:${port}/f`)).status, 201);
    // A closed port (fetch refuses "bad ports" such as 1 before any request exists).
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await assert.rejects(fetch(`http://127.0.0.1:${closedPort}/`));
    await new Promise<void>((res) => net.connect(port, '127.0.0.1', function (this: net.Socket) { this.end(); res(); }));
    await new Promise((r) => server.close(r));
    dgram.createSocket('udp4').close();
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    const worker = new Worker('0', { eval: true });
    const workerTid = worker.threadId;
    await new Promise((r) => worker.on('exit', r));
    assert.deepEqual(seen.clientReq, [BigInt(port)]);
    assert.deepEqual(seen.clientRes, [201n]);
    assert.ok(seen.serverSock.length >= 3 && seen.serverSock.every((p) => p === BigInt(port)), String(seen.serverSock));
    assert.ok(seen.clientSock.length >= 2 && seen.clientSock.includes(BigInt(port)), String(seen.clientSock));
    assert.ok(seen.udp.includes(2n));
    assert.deepEqual(seen.child, [BigInt(child.pid!)]);
    assert.deepEqual(seen.worker, [BigInt(workerTid)]);
    assert.ok(seen.undiciCreate.length >= 2);
    assert.ok(seen.undiciHeaders.includes(201n));
    assert.equal(seen.undiciError.length, 1);
  } finally {
    for (const l of links) l.detach();
  }
});

test('durations are measured when no program reads the event\'s own timestamp', async () => {
  const def = (n: string) => NODE_TRACEPOINTS.find((d) => d.name === n)!;
  const links: Link[] = [];
  const duration = (n: string) => watch(n, def(n).struct, 'duration_ns', 8, links, true);
  const seen = { client: duration('http_client_response'), server: duration('http_server_response'), undici: duration('undici_request_headers') };
  try {
    const server = http.createServer((q, r) => { setTimeout(() => r.end('x'), 5); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((res) => http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (r) => { r.resume(); r.on('end', res); }));
    await (await fetch(`http://127.0.0.1:${port}/f`)).text();
    await new Promise((r) => server.close(r));
    for (const [name, values] of Object.entries(seen)) {
      assert.ok(values.length >= 1, name);
      // At least the handler's 5 ms, and not a time since boot.
      for (const v of values) assert.ok(v >= 4_000_000n && v < 10_000_000_000n, `${name}: ${v}`);
    }
  } finally {
    for (const l of links) l.detach();
  }
});
