import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { attach } from '../../src/hooks/attach.js';
import type { RunContext } from '../../src/helpers/run-context.js';
import { UPROBE_AT, UPROBE_F_PROMISE, UPROBE_F_RETURN, UPROBE_F_THREW, ArgKind } from '../../src/hooks/uprobes/uprobe-ctx.js';
import { uprobe, uretprobe } from '../../src/hooks/uprobes/targets.js';
import { registerUprobeLoader } from '../../src/hooks/uprobes/esm-registry.js';
import { HookTargetError } from '../../src/hooks/errors.js';
import { Arena } from '../../src/memory/arena.js';
import { asmProgram, recordingHelper } from './support.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const require = createRequire(import.meta.url);
const A = UPROBE_AT;

/** An entry program that logs PARM1, PARM2, nargs and the kind of PARM1. */
const entryText = `
  r6 = r1
  r1 = *(u64 *)(r6 + ${A.args[0]})
  call 6
  r1 = *(u64 *)(r6 + ${A.args[1]})
  call 6
  r1 = *(u32 *)(r6 + ${A.nargs})
  call 6
  r1 = *(u8 *)(r6 + ${A.argKind})
  call 6
  r0 = 0
  exit`;

/** A return program that logs ax, flags, ret_kind, latency > 0, and the first byte ax points to for strings. */
const returnText = `
  r6 = r1
  r1 = *(u64 *)(r6 + ${A.ax})
  call 6
  r1 = *(u32 *)(r6 + ${A.flags})
  call 6
  r7 = *(u8 *)(r6 + ${A.retKind})
  r1 = r7
  call 6
  r1 = *(u64 *)(r6 + ${A.latencyNs})
  call 6
  if r7 != ${ArgKind.String} goto +3
  r1 = *(u64 *)(r6 + ${A.ax})
  r1 = *(u8 *)(r1 + 0)
  call 6
  r0 = 0
  exit`;

test('uprobe and uretprobe on an object method: arguments, return value, latency; detach restores it', () => {
  const log: bigint[] = [];
  const helpers = recordingHelper(6, log);
  const calc = { add(a: number, b: number): number { return a + b; } };
  const original = calc.add;
  const entry = attach(asmProgram(entryText, { type: 'kprobe', helpers }), uprobe(calc, 'add'));
  const exit = attach(asmProgram(returnText, { type: 'kprobe', helpers }), uretprobe(calc, 'add'));
  assert.notEqual(calc.add, original);
  assert.equal(calc.add.name, 'add');
  assert.equal(calc.add(2, -3), -1);
  assert.deepEqual(log.slice(0, 4), [2n, BigInt.asUintN(64, -3n), 2n, BigInt(ArgKind.Integer)]);
  assert.equal(log[4], BigInt.asUintN(64, -1n));
  assert.equal(log[5], BigInt(UPROBE_F_RETURN));
  assert.equal(log[6], BigInt(ArgKind.Integer));
  assert.ok(log[7] > 0n);
  entry.detach();
  assert.notEqual(calc.add, original, 'still wrapped while the uretprobe is attached');
  exit.detach();
  assert.equal(calc.add, original);
  assert.deepEqual(Object.keys(calc), ['add']);
});

test('strings are marshalled into user memory; a throwing function is seen by the uretprobe and still throws', () => {
  const log: bigint[] = [];
  const helpers = recordingHelper(6, log);
  const arena = new Arena();
  const lib = {
    greet(name: string): string { if (name === 'x') throw new Error('bad name'); return `hi ${name}`; },
  };
  const e = attach(asmProgram(`
    r6 = r1
    r1 = *(u32 *)(r6 + ${A.argLen})
    call 6
    r1 = *(u64 *)(r6 + ${A.args[0]})
    r1 = *(u8 *)(r1 + 1)
    call 6
    r0 = 0
    exit`, { type: 'kprobe', arena, helpers }), uprobe(lib, 'greet'));
  const x = attach(asmProgram(returnText, { type: 'kprobe', arena, helpers }), uretprobe(lib, 'greet'));
  assert.equal(lib.greet('bob'), 'hi bob');
  assert.deepEqual(log.slice(0, 2), [3n, BigInt('o'.charCodeAt(0))]);
  assert.equal(log[3], BigInt(UPROBE_F_RETURN));
  assert.equal(log[4], BigInt(ArgKind.String));
  assert.equal(log[6], BigInt('h'.charCodeAt(0)));
  log.length = 0;
  assert.throws(() => lib.greet('x'), /bad name/);
  assert.equal(log[3], BigInt(UPROBE_F_RETURN | UPROBE_F_THREW));
  assert.equal(log[6], BigInt('b'.charCodeAt(0)), 'ax points to the error message');
  e.detach();
  x.detach();
});

test('async functions: the uretprobe fires when the promise settles, with the value or the rejection', async () => {
  const db = require(join(fixtures, 'db.cjs')) as { fetchUser(id: number): Promise<number> };
  const log: bigint[] = [];
  const link = attach(asmProgram(returnText, { type: 'kprobe', helpers: recordingHelper(6, log) }), `uretprobe/${join(fixtures, 'db.cjs')}:fetchUser`);
  assert.equal(await db.fetchUser(4), 40);
  assert.equal(log[0], 40n);
  assert.equal(log[1], BigInt(UPROBE_F_RETURN | UPROBE_F_PROMISE));
  assert.ok(log[3] >= 1_000_000n, `latency ${log[3]} covers the await`);
  log.length = 0;
  await assert.rejects(db.fetchUser(-1), /no such user/);
  await new Promise((r) => setImmediate(r));
  assert.equal(log[1], BigInt(UPROBE_F_RETURN | UPROBE_F_PROMISE | UPROBE_F_THREW));
  link.detach();
});

test('uprobe by module path: a loaded CommonJS module, and one required after the attach', () => {
  const log: bigint[] = [];
  const helpers = recordingHelper(6, log);
  const db = require(join(fixtures, 'db.cjs')) as { query(sql: string, n?: number): number };
  const original = db.query;
  const link = attach(asmProgram(entryText, { type: 'kprobe', section: 'uprobe/./db.cjs:query', helpers }), undefined, { baseDir: fixtures });
  assert.equal(link.hook, 'uprobe/./db.cjs:query');
  assert.equal(db.query('SELECT 1', 5), 13);
  assert.equal(log[1], 5n);
  assert.equal(log[2], 2n);
  assert.equal(log[3], BigInt(ArgKind.String));
  link.detach();
  assert.equal(db.query, original);

  const load = (Module as unknown as { _load: unknown })._load;
  const lazyLog: bigint[] = [];
  const lazy = attach(asmProgram(entryText, { type: 'kprobe', helpers: recordingHelper(6, lazyLog) }), 'uprobe/./cjs-lazy.cjs:default', { baseDir: fixtures });
  assert.notEqual((Module as unknown as { _load: unknown })._load, load, 'watching for the module');
  const fn = require(join(fixtures, 'cjs-lazy.cjs')) as (n: number) => number;
  assert.equal((Module as unknown as { _load: unknown })._load, load, 'no watcher left once loaded');
  assert.equal(fn(41), 42);
  assert.equal(lazyLog[0], 41n);
  lazy.detach();
});

test('ES modules: exports probed through tsbpf\'s loader, passing calls through once detached', async () => {
  registerUprobeLoader(['./db.mjs:query'], fixtures);
  const mod = await import(join(fixtures, 'db.mjs')) as { query(s: string, n?: number): number; version: number; default(u: string): string };
  assert.equal(mod.version, 3);
  assert.equal(mod.default('x'), 'connected to x');
  const log: bigint[] = [];
  const cookies: bigint[] = [];
  const helpers = new Map([...recordingHelper(6, log), [7, (env: RunContext) => { cookies.push(env.attachCookie ?? -1n, env.funcIp ?? -1n); return 0n; }]]);
  const link = attach(asmProgram(`r6 = r1\ncall 7\nr1 = *(u64 *)(r6 + ${A.args[1]})\ncall 6\nr0 = 0\nexit`, { type: 'kprobe', helpers }),
    'uprobe/./db.mjs:query', { baseDir: fixtures, cookie: 77 });
  assert.equal(mod.query('abc', 2), 5);
  assert.deepEqual(log, [2n]);
  assert.equal(cookies[0], 77n);
  assert.ok(cookies[1] > 0n);
  link.detach();
  assert.equal(mod.query('abc', 3), 6);
  assert.deepEqual(log, [2n]);
});

test('bad targets are refused clearly', () => {
  const prog = asmProgram('r0 = 0\nexit', { type: 'kprobe' });
  assert.throws(() => attach(prog, uprobe({ x: 1 }, 'x')), HookTargetError);
  assert.throws(() => attach(prog, uprobe({}, 'missing')), HookTargetError);
  assert.throws(() => attach(prog, 'uprobe/./nocolon.js'), HookTargetError);
  assert.throws(() => attach(prog, uprobe(Object.freeze({ f() { return 1; } }), 'f')), HookTargetError);
  const tp = asmProgram('r0 = 0\nexit', { type: 'tracepoint' });
  assert.throws(() => attach(tp, uprobe({ f() { return 1; } }, 'f')), /kprobe/);
});

test('arguments a hook cannot read skip the event; the probed call goes on untouched', () => {
  const lib = { f(x: unknown): string { return typeof x; }, g(): never { throw Object.defineProperty(new Error(), 'message', { get() { throw new Error('no message'); } }); } };
  const entry = uprobe(lib, 'f');
  const exit = uretprobe(lib, 'g');
  const links = [attach(asmProgram('r0 = 0\nexit', { type: 'kprobe' }), entry), attach(asmProgram('r0 = 0\nexit', { type: 'kprobe' }), exit)];
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.equal(lib.f(proxy), 'object');
  assert.throws(() => lib.g());
  for (const l of links) l.detach();
  assert.equal(entry.failedEvents, 1);
  assert.equal(exit.failedEvents, 1);
  assert.equal(links[0].stats.runCount, 0);
});

test('a probe copies only the arguments its programs read', () => {
  const log: bigint[] = [];
  const helpers = recordingHelper(6, log);
  const target = { query(sql: string, id: string): number { return sql.length + id.length; } };
  // Logs PARM1's kind and PARM2's kind; said to read PARM1's register and kind alone.
  const text = `
    r6 = r1
    r1 = *(u8 *)(r6 + ${A.argKind})
    call 6
    r1 = *(u8 *)(r6 + ${A.argKind + 1})
    call 6
    r0 = 0
    exit`;
  const reads: Array<[number, number]> = [[A.args[0], A.args[0] + 8], [A.argKind, A.argKind + 1]];
  const first = attach(asmProgram(text, { type: 'kprobe', helpers, ctxReads: reads }), uprobe(target, 'query'));
  target.query('SELECT 1', '42');
  assert.deepEqual(log, [BigInt(ArgKind.String), 0n], 'the second argument was not copied');
  // A program that may read anything: both are.
  const second = attach(asmProgram(text, { type: 'kprobe', helpers }), uprobe(target, 'query'));
  log.length = 0;
  target.query('SELECT 1', '42');
  assert.deepEqual(log, [BigInt(ArgKind.String), BigInt(ArgKind.String), BigInt(ArgKind.String), BigInt(ArgKind.String)]);
  first.detach();
  second.detach();
});
