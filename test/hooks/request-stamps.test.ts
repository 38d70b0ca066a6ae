// Request ids and start times of the HTTP server tracepoints: kept beside
// Node's objects (never as properties on them), the same id in the request
// and the response whatever order the programs were attached in, and
// nothing kept of a request once it has ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import v8 from 'node:v8';
import fc from 'fast-check';
import vm from 'node:vm';
import { attach } from '../../src/hooks/attach.js';
import { fieldOffset, layoutOf } from '../../src/hooks/ctx/layout.js';
import { HTTP_SERVER_REQUEST, HTTP_SERVER_RESPONSE } from '../../src/hooks/tracepoints/http-server.js';
import { RequestQueue, RequestStamps } from '../../src/hooks/tracepoints/request-stamps.js';
import { asmProgram, recordingHelper } from './support.js';

/** What an end gives its readers: the request's id and start, or undefined when its start was not seen. */
const ended = (stamps: RequestStamps, request: object, conn: RequestQueue): { id: number; startNs: bigint } | undefined => {
  const q = stamps.end(request, conn);
  return q && { id: q.endedId, startNs: q.endedStartNs };
};

test('RequestStamps: one stamp per request from its start; its end gives it once; then it is gone', () => {
  const stamps = new RequestStamps();
  const release = stamps.acquire();
  const conn = new RequestQueue();
  const a = {};
  const b = {};
  const sa = stamps.start(a, conn, 10n);
  assert.equal(stamps.start(a, conn, 99n), sa, 'a second subscriber of the start gets the same stamp');
  const sb = stamps.start(b, conn, 20n);
  assert.notEqual(sb, sa);
  assert.equal(stamps.inFlight(conn), 2);
  assert.deepEqual(ended(stamps, a, conn), { id: sa, startNs: 10n });
  assert.equal(ended(stamps, a, conn), undefined, 'a request ends once (the stamps subscriber hands its end to every tracepoint)');
  assert.equal(stamps.inFlight(conn), 1);
  assert.deepEqual(ended(stamps, b, conn), { id: sb, startNs: 20n });
  assert.equal(ended(stamps, a, conn), undefined, 'gone once another request ended');
  assert.equal(ended(stamps, {}, conn), undefined, 'a request that never started has no stamp');
  assert.equal(stamps.inFlight(conn), 0);
  release();
});

test('RequestStamps: per connection, in order; requests left behind are dropped; nothing survives the last release', () => {
  const stamps = new RequestStamps();
  const release = stamps.acquire();
  const [c1, c2, c3] = [new RequestQueue(), new RequestQueue(), new RequestQueue()];
  const r = Array.from({ length: 6 }, () => ({}));
  const s = r.map((x, i) => ({ id: stamps.start(x, i % 2 ? c2 : c1, BigInt(i)), startNs: BigInt(i) }));
  assert.deepEqual(ended(stamps, r[1], c2), s[1], 'another connection\'s requests do not stand in the way');
  // r[0] never ends: r[2]'s end drops it.
  assert.deepEqual(ended(stamps, r[2], c1), s[2]);
  assert.equal(ended(stamps, r[0], c1), undefined);
  assert.equal(stamps.inFlight(c1), 1);
  for (let i = 0; i < 1000; i++) {
    const q = {};
    stamps.start(q, c3, 0n);
    assert.ok(ended(stamps, q, c3));
  }
  assert.equal(stamps.inFlight(c3), 0, 'requests that end leave nothing');
  assert.equal(stamps.inFlight(c2), 2, 'r[3] and r[5] still wait');
  // More requests than the first queue holds: it grows, and keeps every stamp.
  const many = Array.from({ length: 40 }, () => ({}));
  const manyIds = many.map((x, i) => stamps.start(x, c2, 100n + BigInt(i)));
  assert.deepEqual(ended(stamps, many[0], c2), { id: manyIds[0], startNs: 100n }, 'r[3] and r[5] given up before it');
  assert.deepEqual(ended(stamps, many[39], c2), { id: manyIds[39], startNs: 139n });
  for (let i = 0; i < 300; i++) stamps.start({}, c1, 0n);
  assert.ok(stamps.inFlight(c1) <= 256, 'a connection keeps at most 256 requests waiting');
  const r6 = {};
  const s6 = { id: stamps.start(r6, c3, 6n), startNs: 6n };
  const again = stamps.acquire();
  release();
  assert.deepEqual(ended(stamps, r6, c3), s6, 'still attached: still known');
  const r7 = {};
  stamps.start(r7, c3, 7n);
  again();
  assert.equal(stamps.inFlight(c3), 0, 'the last user gone, every stamp is forgotten');
  const later = stamps.acquire();
  assert.equal(ended(stamps, r7, c3), undefined, 'a later attach never sees them');
  later();
});

test('RequestStamps: random starts and ends on one connection give what a plain list of requests in flight gives', () => {
  // Operations: start request i, or end request i; the model is the list of requests in flight, oldest first.
  const op = fc.record({ end: fc.boolean(), request: fc.nat(30) });
  fc.assert(fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
    const stamps = new RequestStamps();
    const release = stamps.acquire();
    const q = new RequestQueue();
    const requests = Array.from({ length: 31 }, () => ({}));
    let model: Array<{ request: object; id: number; startNs: bigint }> = [];
    ops.forEach(({ end, request }, t) => {
      const r = requests[request];
      if (!end) {
        const id = stamps.start(r, q, BigInt(t));
        const last = model[model.length - 1];
        if (last?.request === r) assert.equal(id, last.id);
        else {
          model.push({ request: r, id, startNs: BigInt(t) });
          if (model.length > 256) model = model.slice(1);
        }
      } else {
        const k = model.findIndex((m) => m.request === r);
        assert.deepEqual(ended(stamps, r, q), k < 0 ? undefined : { id: model[k].id, startNs: model[k].startNs });
        if (k >= 0) model = model.slice(k + 1);
      }
      assert.equal(stamps.inFlight(q), model.length);
    });
    release();
  }));
});

const req = layoutOf(HTTP_SERVER_REQUEST);
const res = layoutOf(HTTP_SERVER_RESPONSE);

/** A request tracepoint program that logs req_id | 1 << 40 through helper 6. */
const requestIdLogger = (helpers: Parameters<typeof asmProgram>[1]['helpers']) => asmProgram(`
  r1 = *(u64 *)(r1 + ${fieldOffset(req, 'req_id')})
  r2 = 1 ll
  r2 <<= 40
  r1 |= r2
  call 6
  r0 = 0
  exit`, { type: 'tracepoint', helpers });

/** A response tracepoint program that logs req_id | 2 << 40, then what `load` reads of the context (r6), through helper 6. */
const responseIdLogger = (helpers: Parameters<typeof asmProgram>[1]['helpers'], load: string) => asmProgram(`
  r6 = r1
  r1 = *(u64 *)(r6 + ${fieldOffset(res, 'req_id')})
  r2 = 2 ll
  r2 <<= 40
  r1 |= r2
  call 6
  r1 = ${load}
  call 6
  r0 = 0
  exit`, { type: 'tracepoint', helpers });

/** Waits (up to 5 s) until `count` responses are logged: the client may read the last one before the server's 'finish' (and its tracepoint) fires. */
async function responsesLogged(log: readonly bigint[], count: number): Promise<void> {
  for (let waited = 0; log.filter((x) => x >> 40n === 2n).length < count && waited < 5000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Serves three requests on one keep-alive connection with `handler`, waits
 * until `log` has their responses, runs `whileOpen` with the connection
 * still open, then closes the client and the server.
 */
async function threeRequests(handler: http.RequestListener, log: readonly bigint[], whileOpen: () => Promise<void> = async () => {}): Promise<void> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true });
  try {
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: `/r${i}`, agent }, (r) => { r.resume(); r.on('end', resolve); }).on('error', reject);
      });
    }
    await responsesLogged(log, 3);
    await whileOpen();
  } finally {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

for (const responseFirst of [false, true]) {
  test(`request and response report the same req_id (the response tracepoint attached ${responseFirst ? 'first' : 'second'}), a duration, and requests are not touched`, async () => {
    const log: bigint[] = [];
    const helpers = recordingHelper(6, log);
    // Logs req_id | 1 << 40 at the request, req_id | 2 << 40 and the duration at the response.
    const onRequest = requestIdLogger(helpers);
    const onResponse = responseIdLogger(helpers, `*(u64 *)(r6 + ${fieldOffset(res, 'duration_ns')})`);
    const links = responseFirst
      ? [attach(onResponse, 'tracepoint/node/http_server_response'), attach(onRequest, 'tracepoint/node/http_server_request')]
      : [attach(onRequest, 'tracepoint/node/http_server_request'), attach(onResponse, 'tracepoint/node/http_server_response')];
    const seen: object[] = [];
    try {
      await threeRequests((q, r) => { seen.push(q); r.end('ok'); }, log);
    } finally {
      for (const l of links) l.detach();
    }
    assert.equal(log.length, 9, log.join(' '));
    for (let i = 0; i < 3; i++) {
      const [request, response, duration] = log.slice(3 * i, 3 * i + 3);
      assert.equal(request >> 40n, 1n);
      assert.equal(response >> 40n, 2n);
      assert.equal(response & 0xffffffffffn, request & 0xffffffffffn, `request ${i}: the same id`);
      assert.ok(duration > 0n, `request ${i}: a duration`);
    }
    assert.equal(new Set([0, 1, 2].map((i) => log[3 * i])).size, 3, 'one id per request');
    // Nothing of tsbpf's on Node's objects: a property there slows Node's own code down.
    for (const q of seen) assert.deepEqual(Object.getOwnPropertySymbols(q).map(String).filter((s) => /tsbpf/.test(s)), []);
  });
}

test('pipelined requests on one connection, answered out of order by the handler: each response gets its own request\'s id', async () => {
  const log: bigint[] = [];
  const helpers = recordingHelper(6, log);
  const onRequest = requestIdLogger(helpers);
  // Logs req_id | 2 << 40, then the url's second byte (the request's digit).
  const onResponse = responseIdLogger(helpers, `*(u8 *)(r6 + ${fieldOffset(res, 'url') + 1})`);
  const links = [attach(onRequest, 'tracepoint/node/http_server_request'), attach(onResponse, 'tracepoint/node/http_server_response')];
  // The later a request, the sooner its handler answers: Node still sends (and finishes) the responses in order.
  const server = http.createServer((q, r) => { setTimeout(() => r.end('ok'), 30 - 10 * Number(q.url?.slice(1))); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.write([0, 1, 2].map((i) => `GET /${i} HTTP/1.1\r\nHost: x\r\n\r\n`).join(''));
      });
      let text = '';
      socket.setEncoding('latin1');
      socket.on('data', (d) => { text += d; if (text.split('HTTP/1.1 200').length === 4) { socket.end(); resolve(); } });
      socket.on('error', reject);
    });
    await responsesLogged(log, 3);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    for (const l of links) l.detach();
  }
  const tagged = (tag: bigint): bigint[] => log.filter((x) => x >> 40n === tag).map((x) => x & ((1n << 40n) - 1n));
  const requests = tagged(1n);
  assert.equal(requests.length, 3);
  assert.deepEqual(tagged(0n).map((x) => Number(x) - '0'.charCodeAt(0)), [0, 1, 2], 'responses in request order');
  assert.deepEqual(tagged(2n), requests, 'response i carries request i\'s id');
});

test('a request is let go at its end: nothing of tsbpf\'s keeps it alive on an open keep-alive connection', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const log: bigint[] = [];
  const helpers = recordingHelper(6, log);
  const links = [attach(requestIdLogger(helpers), 'tracepoint/node/http_server_request'),
    attach(responseIdLogger(helpers, 'r6'), 'tracepoint/node/http_server_response')];
  const refs: WeakRef<object>[] = [];
  try {
    await threeRequests((q, r) => { refs.push(new WeakRef(q)); r.end('ok'); }, log, async () => {
      // WeakRef targets live to the end of the job that made them: collect in a later one.
      for (let i = 0; i < 5 && refs.some((r) => r.deref() !== undefined); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        gc();
      }
      assert.equal(refs.length, 3);
      assert.deepEqual(refs.map((r) => r.deref() === undefined), [true, true, true], 'every ended request collected while its connection stays open');
    });
  } finally {
    for (const l of links) l.detach();
  }
});
