// A Node whose stream internals are not where Node 20 keeps them: socket
// tracing is left out, files are still traced, nothing breaks. (Its own
// file: the stream classes are looked up once per process.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyscallRecorder } from './syscalls-recorder.js';

test('without tcp_wrap / stream_wrap / pipe_wrap as Node 20 has them: sockets work untraced, files are still traced', async () => {
  const proc = process as unknown as { binding(name: string): unknown };
  const binding = proc.binding;
  proc.binding = function (name: string): unknown {
    if (name === 'tcp_wrap' || name === 'pipe_wrap') return {};
    if (name === 'stream_wrap') throw new Error(`No such module: ${name}`);
    return binding.call(process, name);
  };
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-sys-fallback-'));
  let rec: SyscallRecorder | null = null;
  let echoed = '';
  try {
    rec = new SyscallRecorder(['read', 'write', 'close', 'connect']);
    const server = net.createServer((s) => s.pipe(s));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const c = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    c.setEncoding('utf8').on('data', (s: string) => { echoed += s; });
    c.end('ping');
    await once(c, 'close');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const fd = fs.openSync(join(dir, 'f'), 'w');
    fs.writeSync(fd, 'file data');
    fs.closeSync(fd);
  } finally {
    rec?.detach();
    proc.binding = binding;
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(echoed, 'ping');
  assert.deepEqual(rec.enters('connect'), []);
  assert.deepEqual(rec.enters('read'), []);
  assert.deepEqual(rec.enters('write').map((e) => e.data?.toString()), ['file data']);
  assert.equal(rec.enters('close').length, 1, 'the file\'s close, not the sockets\'');
});
