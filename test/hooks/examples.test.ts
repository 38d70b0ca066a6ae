import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attach } from '../../src/hooks/attach.js';
import { ringBufferEvents } from '../../src/hooks/events/ring-events.js';
import { TcpProxy } from '../../src/hooks/packets/tcp-proxy.js';
import { UdpProxy } from '../../src/hooks/packets/udp-proxy.js';
import { AttachSession } from '../../src/hooks/session/attach-session.js';
import { registerUprobeLoader } from '../../src/hooks/uprobes/esm-registry.js';
import { loadObject } from '../../src/object/load-object.js';

const examples = join(import.meta.dirname, '..', '..', 'examples', 'hooks');
const obj = (name: string) => join(examples, `${name}.bpf.o`);

test('example http_latency: a latency histogram per route from the response tracepoint, slow requests on a ring buffer', async () => {
  const o = await loadObject(obj('http_latency'), { globals: { slow_ns: 15_000_000n } });
  const link = attach(o.program('on_response'));
  const slow = ringBufferEvents(o.map('slow_requests'));
  const server = http.createServer((q, r) => setTimeout(() => r.end('ok'), q.url?.startsWith('/slow') ? 20 : 0));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const get = (path: string) => new Promise((resolve) => http.get({ host: '127.0.0.1', port, path, agent: false }, (r) => { r.resume(); r.on('end', resolve); }));
  for (const path of ['/users?id=1', '/users?id=2', '/users', '/slow']) await get(path);
  await new Promise((r) => server.close(r));
  link.detach();
  const counts = new Map<string, number>();
  for (const [key, value] of o.map('latency_hist').entries()) {
    const k = key as { route: string; slot: number };
    counts.set(k.route, (counts.get(k.route) ?? 0) + Number(value));
    if (k.route === '/slow') assert.ok(k.slot >= 14, `20 ms is in slot 14 (16-32 ms) or above, got ${k.slot}`);
  }
  assert.equal(counts.get('/users'), 3);
  assert.equal(counts.get('/slow'), 1);
  const events = slow.takeAll();
  slow.close();
  assert.ok(events.length >= 1);
  const last = Buffer.from(events.at(-1)!);
  assert.ok(last.readBigUInt64LE(0) >= 15_000_000n);
  assert.equal(last.readUInt16LE(16), 200);
  assert.match(last.subarray(32, 96).toString(), /^\/slow\0/);
  o.close();
});

test('example fs_opens: opens counted by process name and path through the syscall tracepoints; failures by errno', async () => {
  const o = await loadObject(obj('fs_opens'));
  const session = new AttachSession(o);
  assert.equal(session.links.length, 2);
  const dir = fs.mkdtempSync(join(tmpdir(), 'tsbpf-opens-'));
  const file = join(dir, 'config.json');
  fs.writeFileSync(file, '{}');
  fs.readFileSync(file, 'utf8');
  await fs.promises.readFile(file);
  assert.throws(() => fs.readFileSync(join(dir, 'missing.json')));
  session.close();
  const opens = new Map(o.map('opens').entries().map(([k, v]) => [(k as { path: string }).path, { comm: (k as { comm: string }).comm, n: Number(v) }]));
  assert.equal(opens.get(file)?.n, 3, 'write, read, read');
  // The kernel's own comm of this process (the executable's basename, not process.title's path).
  assert.equal(opens.get(file)?.comm, fs.readFileSync('/proc/self/comm', 'utf8').trim());
  assert.equal(opens.get(join(dir, 'missing.json'))?.n, 1);
  assert.equal(o.map('open_errors').get(-2), 1n, 'one ENOENT');
  fs.rmSync(dir, { recursive: true, force: true });
  o.close();
});

test('example conn_firewall: TCP connections from blocked sources reset at the SYN; UDP datagrams need a token, which is stripped', async () => {
  const o = await loadObject(obj('conn_firewall'), { engine: 'jit' });
  const target = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const tcp = await TcpProxy.start({ targetHost: '127.0.0.1', targetPort: (target.address() as AddressInfo).port });
  attach(o.program('tcp_firewall'), 'xdp', { interface: tcp.iface });
  o.map('blocked').set(Buffer.from([127, 0, 0, 2]).readUInt32LE(0), 1);
  const echo = (localAddress: string): Promise<string> => new Promise((resolve) => {
    const c = net.connect({ port: tcp.address.port, host: '127.0.0.1', localAddress });
    let text = '';
    c.on('data', (d) => { text += d; if (text === 'hi') c.end(); });
    c.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
    c.on('close', () => resolve(text || 'closed'));
    c.write('hi');
  });
  assert.equal(await echo('127.0.0.1'), 'hi');
  assert.match(await echo('127.0.0.2'), /ECONNRESET|closed/);
  await tcp.close();
  target.close();
  assert.equal(tcp.stats.refused, 1);
  assert.ok((o.map('verdicts').get(1) as bigint) >= 1n, 'XDP_DROP counted');

  const sink = dgram.createSocket('udp4');
  const got: string[] = [];
  sink.on('message', (m) => got.push(m.toString()));
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  const udp = await UdpProxy.start({ targetHost: '127.0.0.1', targetPort: sink.address().port });
  attach(o.program('udp_token'), 'xdp', { interface: udp.iface });
  const client = dgram.createSocket('udp4');
  for (const m of ['TOK:hello\n', 'no token', 'TOK:world']) client.send(m, udp.address.port, '127.0.0.1');
  const deadline = Date.now() + 2000;
  while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  client.close();
  await udp.close();
  sink.close();
  assert.deepEqual(got.sort(), ['hello', 'world']);
  assert.equal(udp.stats.dropped, 1);
  o.close();
});

test('example db_latency: uprobe and uretprobe on an ES module\'s async export, latency and errors by SQL verb', async () => {
  registerUprobeLoader(['./examples/hooks/apps/lib/db.mjs:query'], join(import.meta.dirname, '..', '..'));
  // Verified with tsbpf's uprobe context (its fields past pt_regs), so the JIT runs it.
  const o = await loadObject(obj('db_latency'));
  assert.equal(o.program('on_query').vmProgram?.verified, true);
  const session = new AttachSession(o, { baseDir: join(import.meta.dirname, '..', '..') });
  const db = await import(join(examples, 'apps', 'lib', 'db.mjs')) as { query(sql: string, p?: unknown[]): Promise<unknown> };
  await Promise.allSettled(['SELECT 1', 'SELECT 2', 'INSERT INTO t', 'BOGUS x'].map((s) => db.query(s)));
  session.close();
  const stats = new Map(o.map('stats').entries().map(([k, v]) => [(k as { verb: string }).verb, v as Record<string, bigint>]));
  assert.equal(stats.get('SELECT')?.calls, 2n);
  assert.equal(stats.get('INSERT')?.calls, 1n);
  assert.equal(stats.get('BOGUS')?.errors, 1n);
  assert.ok(stats.get('SELECT')!.total_ns >= 2n * 1_000_000n, 'latency covers the awaited delay');
  assert.equal(o.map('inflight').keys().length, 0);
  o.close();
});

test('example loop_lag: a 200 Hz timer program sees the event loop blocked', async () => {
  // Verified with tsbpf's perf_event context (its fields past bpf_perf_event_data).
  const o = await loadObject(obj('loop_lag'));
  const session = new AttachSession(o, { sampleFreq: 200 });
  await new Promise((r) => setTimeout(r, 30));
  const t = Date.now();
  while (Date.now() - t < 40) { /* block the loop for 40 ms */ }
  await new Promise((r) => setTimeout(r, 30));
  session.close();
  const hist = o.map('lag_hist').entries().map(([k, v]) => [Number(k), Number(v)]);
  assert.ok(hist.some(([slot, n]) => slot >= 14 && n > 0), `a sample 16+ ms late: ${JSON.stringify(hist.filter(([, n]) => n > 0))}`);
  assert.ok((o.bss.samples as bigint) >= 4n);
  assert.ok((o.bss.max_heap_used as bigint) > 1_000_000n);
  o.close();
});
