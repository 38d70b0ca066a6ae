// An attachment's run function (HookProgram.bind): one helper context with
// the attachment's settings, reset before each run; a run inside a run gets
// its own; a run that throws leaves it ready for the next.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HookHelperContext } from '../../src/hooks/program.js';
import { attachedRunner } from '../../src/hooks/program.js';
import { Arena } from '../../src/memory/arena.js';

test('attachedRunner: the attachment\'s settings, a reset per run, nested runs aside, errors let go', () => {
  const info = { hook: 'tracepoint/node/x', cookie: 5n, funcIp: 9n };
  const seen: Array<{ ctx: bigint; cookie?: bigint; funcIp?: bigint; pc: number }> = [];
  const nested: bigint[] = [];
  let runner: (ctx: bigint) => bigint = () => 0n;
  const bound = (env: HookHelperContext) => (ctx: bigint): bigint => {
    seen.push({ ctx: env.ctx, cookie: env.attachCookie, funcIp: env.funcIp, pc: env.pc });
    env.pc = 7; // as a helper call leaves it
    if (ctx === 1n) runner(2n);
    if (ctx === 3n) throw new Error('fault');
    return ctx * 10n;
  };
  runner = attachedRunner(new Arena(), info, bound, (ctx) => { nested.push(ctx); return 0n; });
  assert.equal(runner(1n), 10n);
  assert.deepEqual(nested, [2n], 'the run inside the run went to run(), with a context of its own');
  assert.throws(() => runner(3n), /fault/);
  assert.equal(runner(4n), 40n, 'ready again after a run that threw');
  assert.deepEqual(seen.map((s) => s.ctx), [1n, 3n, 4n]);
  assert.ok(seen.every((s) => s.cookie === 5n && s.funcIp === 9n && s.pc === 0), 'settings kept, run state reset');
});
