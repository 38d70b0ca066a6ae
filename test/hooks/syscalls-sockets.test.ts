import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { SyscallRecorder } from './syscalls-recorder.js';

/** The descriptor under a net.Socket (libuv's), while it is open. */
const fdOf = (socket: net.Socket): number => (socket as unknown as { _handle: { fd: number } })._handle.fd;

async function listen(server: net.Server, host = '127.0.0.1'): Promise<number> {
  server.listen(0, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

const closed = (server: net.Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

test('http on loopback: each side\'s writes carry the bytes it sends, its reads add up to what the other side wrote', async () => {
  const rec = new SyscallRecorder(['read', 'write']);
  const fds = { client: -1, server: -1 };
  const server = http.createServer((req, res) => {
    fds.server = fdOf(req.socket);
    req.resume();
    req.on('end', () => res.end('hello world'));
  });
  let body = '';
  try {
    const port = await listen(server);
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/upload', agent: false }, (res) => {
        res.setEncoding('utf8').on('data', (s: string) => { body += s; }).on('end', resolve);
      });
      req.on('socket', (s) => s.once('connect', () => { fds.client = fdOf(s); }));
      req.on('error', reject);
      req.end('payload=1');
    });
  } finally {
    rec.detach();
    await closed(server);
  }
  assert.equal(body, 'hello world');
  assert.ok(fds.client > 2 && fds.server > 2 && fds.client !== fds.server, JSON.stringify(fds));
  const request = rec.dataWritten(fds.client).toString('latin1');
  assert.match(request, /^POST \/upload HTTP\/1\.1\r\n/);
  assert.match(request, /payload=1/);
  const response = rec.dataWritten(fds.server).toString('latin1');
  assert.match(response, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nhello world$/);
  assert.equal(rec.bytesWritten(fds.client), Buffer.byteLength(request), 'count is the bytes in user memory');
  // The server's reads go through http's C++ parser (parser.consume), the client's through onread.
  assert.equal(rec.bytesRead(fds.server), rec.bytesWritten(fds.client));
  assert.equal(rec.bytesRead(fds.client), rec.bytesWritten(fds.server));
  for (const e of rec.enters('read')) {
    assert.equal(e.nr, 0n);
    assert.equal(e.pointer, 0n, 'the buffer is not filled at entry');
    assert.equal(e.count, 64 * 1024, 'libuv reads 64 KiB at a time');
  }
  for (const [e, ret] of rec.calls('write')) assert.equal(ret, e.count, 'loopback writes complete at once');
  assert.ok(rec.enters('write').every((e) => e.nr === 1n));
});

test('net echo: utf8, latin1, ucs2, writev and a 16 MiB write; reads add up, end of file reads 0, async writes exit with their count', async () => {
  const rec = new SyscallRecorder(['read', 'write']);
  const big = Buffer.alloc(16 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4) big.writeUInt32LE(i, i);
  let serverFd = -1;
  const server = net.createServer((s) => {
    serverFd = fdOf(s);
    s.pipe(s);
  });
  let clientFd = -1;
  let echoed = 0;
  try {
    const port = await listen(server);
    const c = net.connect(port, '127.0.0.1');
    await once(c, 'connect');
    clientFd = fdOf(c);
    c.on('data', (d: Buffer) => { echoed += d.length; });
    c.write('héllo', 'utf8');
    c.write('ÿ', 'latin1');
    c.write('ab', 'ucs2');
    c.cork();
    c.write(Buffer.from('x'));
    c.write('y');
    c.uncork();
    c.write(big);
    c.end();
    await once(c, 'close');
  } finally {
    rec.detach();
    await closed(server);
  }
  const sent = 6 + 1 + 4 + 2 + big.length;
  assert.equal(echoed, sent);
  const writes = rec.enters('write', clientFd);
  const has = (hex: string, count: number): boolean => writes.some((e) => e.data?.toString('hex') === hex && e.count === count);
  assert.ok(has(Buffer.from('héllo').toString('hex'), 6), 'utf8: 6 bytes');
  assert.ok(has('ff', 1), 'latin1');
  assert.ok(has('61006200', 4), 'ucs2');
  assert.ok(has('7879', 2), 'writev: the chunks joined');
  const bigWrite = writes.find((e) => e.count === big.length);
  assert.ok(bigWrite, 'the 16 MiB write');
  assert.deepEqual(bigWrite.data, big.subarray(0, 4096), 'its first 4 KiB in user memory');
  assert.equal(rec.bytesWritten(clientFd), sent);
  assert.equal(rec.bytesRead(serverFd), sent);
  assert.equal(rec.bytesWritten(serverFd), sent);
  assert.equal(rec.bytesRead(clientFd), sent);
  // Every write's exit, at once or when libuv finished it, with its count.
  const counts = rec.enters('write').map((e) => e.count).sort((a, b) => a - b);
  assert.deepEqual(rec.exits('write').map((e) => e.ret).sort((a, b) => a - b), counts);
  assert.ok(rec.calls('write', clientFd).length < writes.length, 'the 16 MiB write completed later');
  assert.ok(rec.calls('read', serverFd).some(([, ret]) => ret === 0), 'the server read end of file');
  assert.ok(rec.calls('read', clientFd).some(([, ret]) => ret === 0), 'the client read end of file');
});

test('a socket reading into its own buffer (onread.buffer): count is that buffer\'s size', async () => {
  const rec = new SyscallRecorder(['read']);
  const server = net.createServer((s) => s.end('x'.repeat(2500)));
  let got = 0;
  let fd = -1;
  try {
    const port = await listen(server);
    const c = net.connect({ port, host: '127.0.0.1', onread: { buffer: Buffer.alloc(1000), callback: (n: number) => { got += n; return true; } } });
    c.once('connect', () => { fd = fdOf(c); });
    await once(c, 'end');
    c.destroy();
  } finally {
    rec.detach();
    await closed(server);
  }
  assert.equal(got, 2500);
  const reads = rec.calls('read', fd);
  assert.ok(reads.length >= 3, 'at most 1000 bytes a read');
  assert.ok(reads.every(([e, ret]) => e.count === 1000 && ret <= 1000));
  assert.equal(rec.bytesRead(fd), 2500);
});

test('a kept-alive connection opened before tracing starts: its next request\'s reads are seen on both sides', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const fds = { client: -1, server: -1 };
  const server = http.createServer((req, res) => {
    fds.server = fdOf(req.socket);
    req.resume();
    req.on('end', () => res.end(`reply to ${req.url}`));
  });
  const port = await listen(server);
  const get = (path: string): Promise<string> => new Promise((resolve, reject) => {
    const req = http.get({ port, host: '127.0.0.1', path, agent }, (res) => {
      fds.client = fdOf(res.socket);
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => { body += s; }).on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
  assert.equal(await get('/before'), 'reply to /before');
  const before = { ...fds };
  const rec = new SyscallRecorder(['read', 'write']);
  try {
    assert.equal(await get('/after'), 'reply to /after');
  } finally {
    rec.detach();
    agent.destroy();
    server.closeAllConnections();
    await closed(server);
  }
  assert.deepEqual(fds, before, 'the same connection');
  assert.match(rec.dataWritten(fds.client).toString(), /^GET \/after /);
  assert.ok(rec.bytesWritten(fds.client) > 0 && rec.bytesWritten(fds.server) > 0);
  assert.equal(rec.bytesRead(fds.server), rec.bytesWritten(fds.client), 'the server\'s parser, consuming since before');
  assert.equal(rec.bytesRead(fds.client), rec.bytesWritten(fds.server), 'the agent\'s free socket, ref\'d again');
});
