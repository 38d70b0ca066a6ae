import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { fsBinding } from '../../src/hooks/syscalls/fs-binding.js';
import { streamBinding } from '../../src/hooks/syscalls/stream-binding.js';
import { SyscallRecorder } from './syscalls-recorder.js';

const { HTTPParser } = createRequire(import.meta.url)('_http_common') as { HTTPParser: { prototype: object; kOnExecute: number } };

/** Every own property of the objects tracing patches, to compare before and after. */
function snapshot(): Map<string, unknown> {
  const b = streamBinding();
  assert.ok(b, 'Node 20 has the stream classes');
  const fileHandle = (fsBinding().FileHandle as { prototype: object }).prototype;
  const out = new Map<string, unknown>();
  for (const [label, o] of Object.entries({ tcp: b.tcp, pipe: b.pipe!, stream: b.stream, handle: b.handle, fileHandle, parser: HTTPParser.prototype })) {
    for (const key of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, key)!;
      out.set(`${label}.${String(key)}`, 'value' in d ? d.value : d.get);
    }
  }
  return out;
}

test('detach: the stream, parser and FileHandle classes as they were; live connections get their own callbacks back at their next read', async () => {
  const before = snapshot();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets: net.Socket[] = [];
  const server = http.createServer((req, res) => {
    if (!sockets.includes(req.socket)) sockets.push(req.socket);
    req.resume();
    req.on('end', () => res.end(req.url));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const get = (path: string): Promise<string> => new Promise((resolve, reject) => {
    http.get({ port, host: '127.0.0.1', path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => { body += s; }).on('end', () => resolve(body));
    }).on('error', reject);
  });
  const rec = new SyscallRecorder(['read', 'write', 'close', 'connect']);
  try {
    assert.equal(await get('/one'), '/one');
    assert.notDeepEqual(snapshot(), before, 'patched while traced');
  } finally {
    rec.detach();
  }
  const seen = rec.events.length;
  assert.ok(seen > 0);
  assert.deepEqual(snapshot(), before, 'detached: every patched property restored');
  // The same keep-alive connection, read once more: the server socket's parser and both handles heal.
  assert.equal(await get('/two'), '/two');
  assert.equal(rec.events.length, seen, 'no event after detach');
  assert.equal(sockets.length, 1, 'one keep-alive connection');
  const serverSocket = sockets[0] as net.Socket & { parser?: object; _handle: { onread: { name: string } } };
  const parserSlot = Object.getOwnPropertyDescriptor(serverSocket.parser, HTTPParser.kOnExecute);
  assert.ok(parserSlot && 'value' in parserSlot, 'the parser\'s kOnExecute is a plain property again');
  assert.deepEqual(Object.getOwnPropertySymbols(serverSocket.parser).filter((s) => /tsbpf/.test(String(s))), []);
  const clientSocket = Object.values(agent.freeSockets).flat()[0] as unknown as { _handle: { onread: { name: string } } };
  assert.equal(clientSocket._handle.onread.name, 'onStreamRead', 'net\'s own onread on the client socket');
  agent.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
