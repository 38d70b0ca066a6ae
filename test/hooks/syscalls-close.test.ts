import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyscallRecorder } from './syscalls-recorder.js';

const fdOf = (socket: net.Socket): number => (socket as unknown as { _handle: { fd: number } })._handle.fd;

test('fs/promises FileHandle.close(): close with its descriptor, 0 at exit; fs.promises.readFile closes too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-sys-close-'));
  const file = join(dir, 'f.txt');
  fs.writeFileSync(file, 'data');
  const rec = new SyscallRecorder(['close']);
  let fd = -1;
  try {
    const handle = await fs.promises.open(file, 'r');
    fd = handle.fd;
    assert.equal((await handle.read(Buffer.alloc(8), 0, 8, 0)).bytesRead, 4);
    await handle.close();
    await handle.close(); // closes nothing the second time
    assert.equal(await fs.promises.readFile(file, 'utf8'), 'data');
  } finally {
    rec.detach();
    rmSync(dir, { recursive: true, force: true });
  }
  const calls = rec.calls('close');
  assert.ok(fd > 2);
  assert.equal(calls[0][0].fd, fd, 'handle.close()');
  assert.equal(calls.length, 2, 'then readFile\'s own FileHandle, once');
  assert.ok(calls.every(([e, ret]) => e.nr === 3n && e.fd > 2 && ret === 0));
  assert.equal(rec.enters('close').length, 2);
});

test('sockets: end/destroy and server.close() close their descriptors, 0 at exit', async () => {
  const rec = new SyscallRecorder(['close']);
  const fds = { listen: -1, client: -1, server: -1 };
  const server = net.createServer((s) => {
    fds.server = fdOf(s);
    s.resume().on('end', () => s.end());
  });
  try {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    fds.listen = (server as unknown as { _handle: { fd: number } })._handle.fd;
    const c = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(c, 'connect');
    fds.client = fdOf(c);
    c.end();
    c.resume();
    await once(c, 'close');
    await new Promise<void>((resolve) => server.close(() => resolve()));
  } finally {
    rec.detach();
  }
  const closedFds = rec.calls('close').map(([e, ret]) => [e.fd, ret]);
  for (const fd of Object.values(fds)) assert.ok(fd > 2);
  assert.deepEqual(closedFds.filter(([fd]) => Object.values(fds).includes(fd!)).sort(), Object.values(fds).map((fd) => [fd, 0]).sort());
  assert.ok(closedFds.every(([fd]) => fd! > 2));
});
