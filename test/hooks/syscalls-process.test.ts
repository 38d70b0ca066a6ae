import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../cli/spawn-cli.js';

const root = join(import.meta.dirname, '..', '..');

function withDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-sys-proc-'));
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('a forked process\'s IPC channel: its writes are not reported (tsbpf attach sends events on it), its socket writes are', { timeout: 60_000 }, () => withDir(async (dir) => {
  const child = join(dir, 'child.mts');
  const recorder = pathToFileURL(join(root, 'test/hooks/syscalls-recorder.ts')).href;
  writeFileSync(child, `
    import net from 'node:net';
    import { once } from 'node:events';
    import { SyscallRecorder } from ${JSON.stringify(recorder)};
    const rec = new SyscallRecorder(['write', 'read']);
    const server = net.createServer((s) => s.resume().on('end', () => s.end()));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    for (let i = 0; i < 20; i++) process.send({ i });
    const c = net.connect(server.address().port, '127.0.0.1');
    await once(c, 'connect');
    const socketFd = c._handle.fd;
    c.end('over tcp');
    c.resume();
    await once(c, 'close');
    await new Promise((r) => process.send({ done: true }, r));
    rec.detach();
    server.close();
    process.send({ channelFd: process.channel.fd, socketFd, writes: rec.enters('write').map((e) => [e.fd, e.data.toString()]), reads: rec.enters('read').map((e) => e.fd) });
    process.disconnect();
  `);
  const p = fork(child, { execArgv: ['--import', 'tsx'], cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: Array<{ channelFd?: number; socketFd?: number; writes?: Array<[number, string]>; reads?: number[] }> = [];
  p.on('message', (m) => messages.push(m as (typeof messages)[number]));
  // The parent writes to the child too: those are reads on the child's channel.
  p.send({ hello: 'child' });
  const [code] = await once(p, 'exit') as [number];
  assert.equal(code, 0);
  const report = messages.at(-1)!;
  assert.equal(messages.length, 22);
  assert.ok(report.channelFd! > 2);
  assert.deepEqual(report.writes!.filter(([fd]) => fd === report.channelFd), []);
  assert.deepEqual(report.reads!.filter((fd) => fd === report.channelFd), []);
  assert.deepEqual(report.writes!.filter(([fd]) => fd === report.socketFd), [[report.socketFd, 'over tcp']]);
}));

const clang = ((): string | null => {
  try {
    execFileSync('clang-19', ['--version'], { stdio: 'ignore' });
    return 'clang-19';
  } catch {
    return null;
  }
})();

const SOCKET_IO_C = `
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <tsbpf/syscalls.h>

struct write_event { __s64 fd; __u64 count; char head[8]; };

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 16); } writes SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, __s64); } read_fd SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1024); __type(key, __s64); __type(value, __u64); } read_bytes SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_write")
int on_write(struct trace_event_raw_sys_enter *ctx)
{
	struct write_event *e = bpf_ringbuf_reserve(&writes, sizeof(*e), 0);
	if (!e)
		return 0;
	e->fd = ctx->args[0];
	e->count = ctx->args[2];
	bpf_probe_read_user(e->head, sizeof(e->head), (const void *)ctx->args[1]);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_read")
int on_read(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = bpf_get_current_pid_tgid();
	__s64 fd = ctx->args[0];
	bpf_map_update_elem(&read_fd, &tid, &fd, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_read")
int on_read_ret(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = bpf_get_current_pid_tgid();
	__s64 *fd = bpf_map_lookup_elem(&read_fd, &tid);
	if (!fd || ctx->ret <= 0)
		return 0;
	__s64 key = *fd;
	__u64 n = ctx->ret, *sum = bpf_map_lookup_elem(&read_bytes, &key);
	if (sum)
		__sync_fetch_and_add(sum, n);
	else
		bpf_map_update_elem(&read_bytes, &key, &n, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
`;

const HTTP_APP = `
import http from 'node:http';
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('pong')); });
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => http.get({ port, host: '127.0.0.1', path: '/ping', agent: false }, (res) => { res.resume(); res.on('end', resolve); }));
  }
  server.close();
});
`;

test('tsbpf attach: a C program on sys_enter_write / sys_*_read sees an http app\'s socket traffic; its events do not feed back', { skip: clang ? false : 'clang-19 is not installed', timeout: 60_000 }, () => withDir(async (dir) => {
  const src = join(dir, 'socket_io.bpf.c');
  const obj = join(dir, 'socket_io.bpf.o');
  const app = join(dir, 'app.mjs');
  writeFileSync(src, SOCKET_IO_C);
  writeFileSync(app, HTTP_APP);
  execFileSync(clang!, ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-I', join(root, 'include'), '-I', `/usr/include/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`, '-c', src, '-o', obj]);
  const r = await runCli(['attach', obj, '--json', '--', process.execPath, app]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event?: { kind: string; data: string }; maps?: Record<string, Array<{ formatted: { key: number; value: number } }>> });
  const writes = lines.filter((l) => l.event?.kind === 'ringbuf').map((l) => {
    const b = Buffer.from(l.event!.data, 'hex');
    return { fd: Number(b.readBigInt64LE(0)), count: Number(b.readBigUInt64LE(8)), head: b.subarray(16).toString('latin1') };
  });
  // Three requests and three responses, nothing more: sending these events over the IPC channel made no events.
  assert.equal(writes.filter((w) => w.head === 'GET /pin').length, 3, JSON.stringify(writes));
  assert.equal(writes.filter((w) => w.head === 'HTTP/1.1').length, 3, JSON.stringify(writes));
  assert.equal(writes.length, 6, JSON.stringify(writes));
  const requestBytes = writes.filter((w) => w.head === 'GET /pin').reduce((s, w) => s + w.count, 0);
  const responseBytes = writes.filter((w) => w.head === 'HTTP/1.1').reduce((s, w) => s + w.count, 0);
  const readBytes = lines.at(-1)!.maps!.read_bytes.map((e) => e.formatted.value);
  assert.equal(readBytes.reduce((s, n) => s + n, 0), requestBytes + responseBytes, JSON.stringify(readBytes));
}));

test('tsbpf attach with an app that starts a worker thread: the programs attach once, the main thread\'s opens count, app and worker run to completion', { timeout: 60_000 }, () => withDir(async (dir) => {
  const app = join(dir, 'worker-app.mjs');
  writeFileSync(app, `
    import { Worker } from 'node:worker_threads';
    import fs from 'node:fs';
    fs.readFileSync(${JSON.stringify(app)});
    const w = new Worker("require('fs').readFileSync('/etc/hostname'); require('worker_threads').parentPort.postMessage('worker done')", { eval: true });
    w.on('message', (m) => console.log(m));
    w.on('exit', (code) => console.log('worker exit', code));
  `);
  const r = await runCli(['attach', join(root, 'examples/hooks/fs_opens.bpf.o'), '--', process.execPath, app]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /worker done\n/);
  assert.match(r.stdout, /worker exit 0\n/);
  assert.equal(r.stderr.match(/attached count_opens/g)?.length, 1, r.stderr);
  assert.match(r.stdout, new RegExp(`\\{"comm":"[^"]*","path":"${app.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\} => 1`));
}));
