import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyscallRecorder } from './syscalls-recorder.js';

const fdOf = (socket: net.Socket): number => (socket as unknown as { _handle: { fd: number } })._handle.fd;
const closed = (server: net.Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** Connects, sends `data`, waits for the peer to close; returns the socket's descriptor. */
async function exchange(options: net.NetConnectOpts, data: string): Promise<number> {
  const c = net.connect(options);
  await once(c, 'connect');
  const fd = fdOf(c);
  c.end(data);
  c.resume();
  await once(c, 'close');
  return fd;
}

test('TCP connect: the new socket\'s descriptor at entry (the one that then writes), its sockaddr_in / sockaddr_in6, 0 at exit', async () => {
  const rec = new SyscallRecorder(['connect', 'write']);
  const server4 = net.createServer((s) => s.resume().on('end', () => s.end()));
  const server6 = net.createServer((s) => s.resume().on('end', () => s.end()));
  let fd4 = -1;
  let fd6 = -1;
  let port4 = 0;
  let port6 = 0;
  let v6 = true;
  try {
    server4.listen(0, '127.0.0.1');
    await once(server4, 'listening');
    port4 = (server4.address() as AddressInfo).port;
    fd4 = await exchange({ port: port4, host: '127.0.0.1' }, 'four');
    try {
      server6.listen(0, '::1');
      await once(server6, 'listening');
      port6 = (server6.address() as AddressInfo).port;
      fd6 = await exchange({ port: port6, host: '::1' }, 'six');
    } catch {
      v6 = false; // no IPv6 loopback on this machine
    }
  } finally {
    rec.detach();
    await closed(server4);
    if (server6.listening) await closed(server6);
  }
  const [c4, ret4] = rec.calls('connect').find(([e]) => e.fd === fd4) ?? assert.fail('no connect with the socket\'s fd');
  assert.ok(fd4 > 2);
  assert.equal(c4.nr, 42n);
  assert.equal(c4.count, 16, 'sizeof(struct sockaddr_in)');
  assert.equal(c4.data!.readUInt16LE(0), 2, 'AF_INET');
  assert.equal(c4.data!.readUInt16BE(2), port4);
  assert.deepEqual([...c4.data!.subarray(4, 8)], [127, 0, 0, 1]);
  assert.equal(ret4, 0);
  assert.deepEqual(rec.enters('write', fd4).map((e) => e.data?.toString()), ['four'], 'the same descriptor writes');
  if (v6) {
    const c6 = rec.enters('connect', fd6)[0];
    assert.ok(c6, 'connect6 with the socket\'s fd');
    assert.equal(c6.count, 28, 'sizeof(struct sockaddr_in6)');
    assert.equal(c6.data!.readUInt16LE(0), 10, 'AF_INET6');
    assert.equal(c6.data!.readUInt16BE(2), port6);
    assert.equal(c6.data!.subarray(8, 24).toString('hex'), '00000000000000000000000000000001');
  }
  assert.deepEqual(rec.exits('connect').map((e) => e.ret), v6 ? [0, 0] : [0]);
});

test('a connect that fails at once: the exit has its -errno right away; a refused one, when it completes', async () => {
  const rec = new SyscallRecorder(['connect']);
  const errnos: number[] = [];
  try {
    // The limited broadcast address: connect() fails before any packet (EACCES, or ENETUNREACH without a route).
    const c = net.connect(9, '255.255.255.255');
    const [err] = await once(c, 'error') as [NodeJS.ErrnoException];
    errnos.push(err.errno!);
    // A closed port on loopback: refused asynchronously.
    const server = net.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    await closed(server);
    const r = net.connect(port, '127.0.0.1');
    const [refused] = await once(r, 'error') as [NodeJS.ErrnoException];
    errnos.push(refused.errno!);
  } finally {
    rec.detach();
  }
  assert.ok(errnos[0] < 0);
  assert.equal(errnos[1], -111, 'ECONNREFUSED');
  assert.deepEqual(rec.exits('connect').map((e) => e.ret), errnos);
  const enters = rec.enters('connect');
  assert.equal(enters.length, 2);
  assert.ok(enters.every((e) => e.fd > 2), 'libuv made a socket for each');
});

test('Unix socket connect: the socket\'s descriptor, a sockaddr_un of 110 bytes; its reads and writes as on TCP', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-sys-unix-'));
  const path = join(dir, 's.sock');
  const rec = new SyscallRecorder(['connect', 'read', 'write']);
  let serverFd = -1;
  const server = net.createServer((s) => {
    serverFd = fdOf(s);
    s.resume().end('bye');
  });
  let fd = -1;
  try {
    server.listen(path);
    await once(server, 'listening');
    fd = await exchange({ path }, 'hi');
  } finally {
    rec.detach();
    await closed(server);
    rmSync(dir, { recursive: true, force: true });
  }
  const [c, ret] = rec.calls('connect').find(([e]) => e.fd === fd) ?? assert.fail('no connect with the socket\'s fd');
  assert.equal(ret, 0);
  assert.equal(c.count, 110, 'sizeof(struct sockaddr_un), as libuv passes it');
  assert.equal(c.data!.readUInt16LE(0), 1, 'AF_UNIX');
  assert.equal(c.data!.subarray(2).toString().replace(/\0+$/, ''), path);
  assert.equal(rec.dataWritten(fd).toString(), 'hi');
  assert.equal(rec.dataWritten(serverFd).toString(), 'bye');
  assert.equal(rec.bytesRead(fd), 3);
  assert.equal(rec.bytesRead(serverFd), 2);
});
