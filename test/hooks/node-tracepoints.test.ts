import { test } from 'node:test';
import assert from 'node:assert/strict';
import dc from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { attach } from '../../src/hooks/attach.js';
import { fieldOffset, layoutOf } from '../../src/hooks/ctx/layout.js';
import { CtxAccessError, UnknownHookError, WrongProgramTypeError } from '../../src/hooks/errors.js';
import { HTTP_SERVER_REQUEST, HTTP_SERVER_RESPONSE } from '../../src/hooks/tracepoints/http-server.js';
import { Arena } from '../../src/memory/arena.js';
import { MemoryAccessError } from '../../src/memory/errors.js';
import { asmProgram, recordingHelper } from './support.js';

const req = layoutOf(HTTP_SERVER_REQUEST);
const res = layoutOf(HTTP_SERVER_RESPONSE);

async function withServer(fn: (get: (path: string) => Promise<number>) => Promise<void>): Promise<void> {
  const server = http.createServer((q, r) => { r.statusCode = q.url === '/missing' ? 404 : 200; r.end('ok'); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const get = (path: string): Promise<number> => new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent: false }, (r) => { r.resume(); r.on('end', () => resolve(r.statusCode ?? 0)); }).on('error', reject);
  });
  try {
    await fn(get);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

test('a tracepoint program reads the request context: method, url, ports, addresses', async () => {
  const arena = new Arena();
  const log: bigint[] = [];
  // Reports the method's first byte, the url's second byte, the local port, the remote IPv4's first byte and the family.
  const prog = asmProgram(`
    r6 = r1
    r1 = *(u8 *)(r6 + ${fieldOffset(req, 'method')})
    call 6
    r1 = *(u8 *)(r6 + ${fieldOffset(req, 'url') + 1})
    call 6
    r1 = *(u16 *)(r6 + ${fieldOffset(req, 'lport')})
    call 6
    r1 = *(u8 *)(r6 + ${fieldOffset(req, 'raddr')})
    call 6
    r1 = *(u16 *)(r6 + ${fieldOffset(req, 'family')})
    call 6
    r1 = *(u16 *)(r6 + ${fieldOffset(req, 'ent.type')})
    call 6
    r0 = 0
    exit`, { type: 'tracepoint', section: 'tracepoint/node/http_server_request', arena, helpers: recordingHelper(6, log) });
  const link = attach(prog);
  await withServer(async (get) => {
    assert.equal(await get('/hello'), 200);
  });
  link.detach();
  assert.equal(link.stats.runCount, 1);
  assert.equal(link.stats.errorCount, 0);
  assert.equal(log[0], BigInt('G'.charCodeAt(0)));
  assert.equal(log[1], BigInt('h'.charCodeAt(0)));
  assert.ok(log[2] > 0n && log[2] < 65536n);
  assert.equal(log[3], 127n);
  assert.equal(log[4], 2n);
  assert.equal(log[5], 1001n);
});

test('programs on one hook run in attach order; the response sees status and duration', async () => {
  const order: bigint[] = [];
  const helpers = recordingHelper(6, order);
  const arena = new Arena();
  const mk = (id: number) => asmProgram(`r1 = ${id}\ncall 6\nr0 = 0\nexit`, { type: 'tracepoint', arena, helpers });
  const status = asmProgram(`
    r6 = r1
    r1 = *(u16 *)(r6 + ${fieldOffset(res, 'status')})
    call 6
    r1 = *(u64 *)(r6 + ${fieldOffset(res, 'duration_ns')})
    call 6
    r0 = 0
    exit`, { type: 'tracepoint', arena: new Arena(), helpers });
  const links = [
    attach(mk(1), 'tracepoint/node/http_server_request'),
    attach(mk(2), 'tp/node/http_server_request'),
    attach(mk(3), 'tracepoint/node/http_server_request'),
  ];
  const resLink = attach(status, 'tracepoint/node/http_server_response');
  await withServer(async (get) => {
    assert.equal(await get('/missing'), 404);
  });
  assert.deepEqual(order.slice(0, 3), [1n, 2n, 3n]);
  assert.equal(order[3], 404n);
  assert.ok(order[4] > 0n, 'duration measured from the request start');
  links[1].detach();
  order.length = 0;
  await withServer(async (get) => { await get('/'); });
  assert.deepEqual(order.slice(0, 2), [1n, 3n]);
  for (const l of [...links, resLink]) l.detach();
});

test('events build only the fields the programs attached read', async () => {
  const log: bigint[] = [];
  const helpers = recordingHelper(6, log);
  const arena = new Arena();
  // Reports the status, the url's first byte and the local port.
  const text = `
    r6 = r1
    r1 = *(u16 *)(r6 + ${fieldOffset(res, 'status')})
    call 6
    r1 = *(u8 *)(r6 + ${fieldOffset(res, 'url')})
    call 6
    r1 = *(u16 *)(r6 + ${fieldOffset(res, 'lport')})
    call 6
    r0 = 0
    exit`;
  const statusAt = fieldOffset(res, 'status');
  // Said to read the status alone (as a verifier would say of a program that reads nothing else).
  const statusOnly = asmProgram(text, { type: 'tracepoint', arena, helpers, ctxReads: [[statusAt, statusAt + 2]] });
  const link = attach(statusOnly, 'tracepoint/node/http_server_response');
  await withServer(async (get) => { await get('/missing'); });
  assert.deepEqual(log, [404n, 0n, 0n], 'the url and the socket were not built');
  // A program that reads any byte: every field is built, for both.
  const whole = attach(asmProgram(text, { type: 'tracepoint', arena, helpers }), 'tracepoint/node/http_server_response');
  log.length = 0;
  await withServer(async (get) => { await get('/missing'); });
  assert.deepEqual(log.slice(0, 2), [404n, BigInt('/'.charCodeAt(0))]);
  assert.deepEqual(log.slice(3, 5), log.slice(0, 2));
  assert.ok(log[2] > 0n && log[2] === log[5]);
  // Gone again: the next event clears and builds the status alone.
  whole.detach();
  log.length = 0;
  await withServer(async (get) => { await get('/'); });
  assert.equal(log[0], 200n);
  link.detach();
});

test('reading past the context faults the run, not the host; detaching leaves no trace', async () => {
  const arena = new Arena();
  const past = asmProgram(`r0 = *(u64 *)(r1 + ${req.size})\nexit`, { type: 'tracepoint', arena });
  const before = arena.listRegions().length;
  const link = attach(past, 'tracepoint/node/http_server_request');
  assert.ok(dc.hasSubscribers('http.server.request.start'));
  const errors: Error[] = [];
  link.onError((e) => errors.push(e));
  await withServer(async (get) => {
    assert.equal(await get('/'), 200);
    assert.equal(await get('/'), 200);
  });
  assert.equal(link.stats.errorCount, 2);
  assert.ok(errors[0] instanceof MemoryAccessError, String(errors[0]));
  link.detach();
  link.detach();
  assert.equal(dc.hasSubscribers('http.server.request.start'), false);
  assert.equal(arena.listRegions().length, before);
});

test('bad attaches: unknown hooks, wrong program types, a ctx read the verifier saw past the struct', () => {
  const prog = asmProgram('r0 = 0\nexit', { type: 'tracepoint' });
  assert.throws(() => attach(prog, 'tracepoint/node/no_such_event'), (e: unknown) => e instanceof UnknownHookError && /http_server_request/.test(e.message));
  assert.throws(() => attach(prog, 'tracepoint/nope/x'), UnknownHookError);
  assert.throws(() => attach(prog), /no section/);
  const xdp = asmProgram('r0 = 2\nexit', { type: 'xdp' });
  assert.throws(() => attach(xdp, 'tracepoint/node/http_server_request'), WrongProgramTypeError);
  const far = asmProgram('r0 = 0\nexit', { type: 'tracepoint', maxCtxOffset: req.size + 8 });
  assert.throws(() => attach(far, 'tracepoint/node/http_server_request'), CtxAccessError);
  assert.equal(dc.hasSubscribers('http.server.request.start'), false);
});
