import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HelperFn } from '../../src/engine/abi.js';
import { attach } from '../../src/hooks/attach.js';
import { SYS_ENTER_ARGS, SYS_EXIT_RET, SYS_ID } from '../../src/hooks/syscalls/syscall-structs.js';
import { fsBinding } from '../../src/hooks/syscalls/fs-binding.js';
import { UnknownHookError } from '../../src/hooks/errors.js';
import { Arena } from '../../src/memory/arena.js';
import { asmProgram } from './support.js';

/** Helper 6 of these tests: logs r1; helper 7: logs the NUL-terminated string r1 points to (read from the arena). */
function stringHelpers(arena: Arena, numbers: bigint[], strings: string[]): Map<number, HelperFn> {
  return new Map<number, HelperFn>([
    [6, (_e, r1) => { numbers.push(r1); return 0n; }],
    [7, (_e, r1) => {
      const off = arena.offsetOf(r1);
      const bytes = arena.bytes;
      let end = off;
      while (bytes[end] !== 0) end++;
      strings.push(Buffer.from(bytes.subarray(off, end)).toString());
      return 0n;
    }],
  ]);
}

const enterPath = `
  r6 = r1
  r1 = *(u64 *)(r6 + ${SYS_ID})
  call 6
  r1 = *(u64 *)(r6 + ${SYS_ENTER_ARGS + 8})
  call 7
  r1 = *(u64 *)(r6 + ${SYS_ENTER_ARGS + 16})
  call 6
  r0 = 0
  exit`;
const exitRet = `r1 = *(u64 *)(r1 + ${SYS_EXIT_RET})\ncall 6\nr0 = 0\nexit`;

test('sys_enter_openat / sys_exit_openat see every open: sync, callback, promise, C++ whole-file reads; errors as -errno', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-sys-'));
  const file = join(dir, 'a.txt');
  fs.writeFileSync(file, 'héllo');
  const arena = new Arena();
  const nums: bigint[] = [];
  const paths: string[] = [];
  const rets: bigint[] = [];
  const helpers = stringHelpers(arena, nums, paths);
  const b = fsBinding();
  const originalOpen = b.open;
  const enter = attach(asmProgram(enterPath, { type: 'tracepoint', arena, helpers }), 'tracepoint/syscalls/sys_enter_openat');
  const exit = attach(asmProgram(exitRet, { type: 'tracepoint', helpers: new Map([[6, (_e, r1) => { rets.push(r1); return 0n; }]]) }), 'tracepoint/syscalls/sys_exit_openat');
  try {
    assert.equal(fs.readFileSync(file, 'utf8'), 'héllo');
    assert.equal(fs.readFileSync(file).toString(), 'héllo');
    await new Promise<void>((resolve, reject) => fs.readFile(file, (e, d) => (e ? reject(e) : (assert.equal(d.toString(), 'héllo'), resolve()))));
    assert.equal(await fs.promises.readFile(file, 'utf8'), 'héllo');
    assert.throws(() => fs.openSync(join(dir, 'missing'), 'r'), /ENOENT/);
    fs.writeFileSync(join(dir, 'b.txt'), 'x');
    assert.equal(fs.readFileSync(join(dir, 'b.txt'), 'utf8'), 'x');
  } finally {
    enter.detach();
    exit.detach();
  }
  assert.equal(b.open, originalOpen, 'the binding is restored');
  const opened = paths.filter((p) => p.startsWith(dir));
  assert.deepEqual(opened, [file, file, file, file, join(dir, 'missing'), join(dir, 'b.txt'), join(dir, 'b.txt')]);
  assert.equal(nums[0], 257n);
  assert.equal(nums[1] & 0o2000000n, 0o2000000n, 'O_CLOEXEC as libuv opens');
  assert.ok(rets.includes(BigInt.asUintN(64, -2n)), 'ENOENT as -2');
  assert.ok(rets.filter((r) => r < 1000n).length >= 6, 'real descriptors');
  rmSync(dir, { recursive: true, force: true });
});

test('read, write and close carry the descriptor, the data written and the results', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-sys-'));
  const arena = new Arena();
  const nums: bigint[] = [];
  const strs: string[] = [];
  const helpers = stringHelpers(arena, nums, strs);
  const w = attach(asmProgram(enterPath, { type: 'tracepoint', arena, helpers }), 'tracepoint/syscalls/sys_enter_write');
  const rets: bigint[] = [];
  const r = attach(asmProgram(exitRet, { type: 'tracepoint', helpers: new Map([[6, (_e, r1) => { rets.push(r1); return 0n; }]]) }), 'tracepoint/syscalls/sys_exit_read');
  const closes: bigint[] = [];
  const c = attach(asmProgram(`r1 = *(u64 *)(r1 + ${SYS_ENTER_ARGS})\ncall 6\nr0 = 0\nexit`, { type: 'tracepoint', helpers: new Map([[6, (_e, r1) => { closes.push(r1); return 0n; }]]) }), 'tracepoint/syscalls/sys_enter_close');
  const fd = fs.openSync(join(dir, 'w.txt'), 'w+');
  fs.writeSync(fd, 'abc\0');
  fs.writeSync(fd, Buffer.from('xyz\0'));
  const buf = Buffer.alloc(16);
  assert.equal(fs.readSync(fd, buf, 0, 16, 0), 8);
  fs.closeSync(fd);
  for (const l of [w, r, c]) l.detach();
  assert.deepEqual(strs.slice(0, 2), ['abc', 'xyz']);
  assert.deepEqual(nums.slice(0, 4), [1n, 4n, 1n, 4n]);
  assert.ok(rets.includes(8n));
  assert.ok(closes.includes(BigInt(fd)));
  rmSync(dir, { recursive: true, force: true });
});

test('connect and accept4 on loopback: the sockaddr, the result and the new descriptor', async () => {
  const arena = new Arena();
  const nums: bigint[] = [];
  const port: bigint[] = [];
  const helpers = new Map<number, HelperFn>([[6, (_e, r1) => { nums.push(r1); return 0n; }], [7, (_e, r1) => {
    const off = arena.offsetOf(r1);
    port.push(BigInt(arena.view.getUint16(off + 2, false)), BigInt(arena.bytes[off + 4]));
    return 0n;
  }]]);
  const server = net.createServer((s) => s.end());
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const p = (server.address() as AddressInfo).port;
  const links = [
    attach(asmProgram(enterPath, { type: 'tracepoint', arena, helpers }), 'tracepoint/syscalls/sys_enter_connect'),
    attach(asmProgram(exitRet, { type: 'tracepoint', arena, helpers }), 'tracepoint/syscalls/sys_exit_connect'),
    attach(asmProgram(exitRet, { type: 'tracepoint', arena, helpers }), 'tracepoint/syscalls/sys_exit_accept4'),
  ];
  await new Promise<void>((res, rej) => net.connect(p, '127.0.0.1').on('close', () => res()).on('error', rej).resume());
  await new Promise<void>((res) => net.connect(1, '127.0.0.1').on('error', () => res()));
  for (const l of links) l.detach();
  server.close();
  assert.deepEqual(port.slice(0, 2), [BigInt(p), 127n]);
  assert.equal(nums[0], 42n);
  assert.equal(nums[1], 16n, 'sizeof(struct sockaddr_in)');
  assert.ok(nums.includes(0n), 'connected');
  assert.ok(nums.includes(BigInt.asUintN(64, -111n)), 'ECONNREFUSED');
  assert.ok(nums.some((n) => n > 2n && n < 100_000n && n !== 16n && n !== 42n), 'accepted fd');
});

test('unknown syscall tracepoints list the ones that exist', () => {
  const prog = asmProgram('r0 = 0\nexit', { type: 'tracepoint' });
  assert.throws(() => attach(prog, 'tracepoint/syscalls/sys_enter_mmap'), (e: unknown) => e instanceof UnknownHookError && /sys_enter_openat/.test(e.message));
});
