import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from '../../src/isa/encoding.js';
import { assemble } from '../../src/isa/asm/index.js';
import { runCliInProcess } from '../cli/in-process-cli.js';
import { runCli } from '../cli/spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-verify-'));
const fixture = (name: string): string => new URL(`../fixtures/${name}`, import.meta.url).pathname;
function rawFile(name: string, asm: string): string {
  const path = join(dir, name);
  writeFileSync(path, encode(assemble(asm)));
  return path;
}
const good = rawFile('good.bin', 'r0 = 0\nexit');
const bad = rawFile('bad.bin', 'r0 = 0\nr1 = *(u64 *)(r0 + 0)\nexit');

test('verify: raw bytecode accepted, exit 0', async () => {
  const r = await runCliInProcess(['verify', good, '--type', 'socket_filter']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /accepted, 2 insns processed/);
});

test('verify: raw bytecode refused, exit 1, kernel-style log', async () => {
  const r = await runCliInProcess(['verify', bad, '--type', 'socket_filter']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^1: \(79\) r1 = \*\(u64 \*\)\(r0 \+0\)$/m);
  assert.match(r.stdout, /^R0 invalid mem access 'scalar'$/m);
  assert.match(r.stdout, /rejected at insn 1: R0 invalid mem access 'scalar'/);
});

test('verify: --json for one program', async () => {
  const r = await runCliInProcess(['verify', bad, '--type', 'xdp', '--json']);
  assert.equal(r.code, 1);
  assert.deepEqual(JSON.parse(r.stdout), { verdict: 'reject', error: "R0 invalid mem access 'scalar'", insn: 1, processed: 2 });
});

test('verify: --json lists every program of an object', async () => {
  const r = await runCliInProcess(['verify', fixture('xdp_firewall.o'), '--json']);
  assert.equal(r.code, 0);
  const list = JSON.parse(r.stdout) as Array<{ program: string; verdict: string }>;
  assert.deepEqual(list.map((p) => [p.program, p.verdict]), [['xdp_firewall', 'accept'], ['xdp_count_only', 'accept']]);
});

test('verify: --program and --section select programs', async () => {
  const byName = await runCliInProcess(['verify', fixture('xdp_firewall.o'), '--program', 'xdp_count_only', '--json']);
  assert.equal(JSON.parse(byName.stdout).verdict, 'accept');
  const none = await runCliInProcess(['verify', fixture('xdp_firewall.o'), '--program', 'nope']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no program nope/);
});

test('verify: --type overrides the section type', async () => {
  const r = await runCliInProcess(['verify', fixture('socket_filter.o'), '--type', 'xdp', '--json', '--log-level', '0']);
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.stdout).error, 'BPF_LD_[ABS|IND] instructions not allowed for this program type');
});

test('verify: bad input exits 2', async () => {
  assert.equal((await runCliInProcess(['verify', good])).code, 2, 'raw bytecode without --type');
  assert.equal((await runCliInProcess(['verify', good, '--type', 'no_such_type'])).code, 2, 'unknown type');
  assert.equal((await runCliInProcess(['verify', join(dir, 'missing.bin'), '--type', 'xdp'])).code, 2, 'missing file');
  const odd = join(dir, 'odd.bin');
  writeFileSync(odd, new Uint8Array(5));
  assert.equal((await runCliInProcess(['verify', odd, '--type', 'xdp'])).code, 2, 'truncated bytecode');
  const corrupt = join(dir, 'corrupt.o');
  writeFileSync(corrupt, new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]));
  assert.equal((await runCliInProcess(['verify', corrupt])).code, 2, 'corrupt ELF');
});

test('verify: --explain says what to add', async () => {
  const r = await runCliInProcess(['verify', bad, '--type', 'socket_filter', '--explain', '--log-level', '0']);
  assert.match(r.stdout, /explanation: r0 holds a number/);
});

test('verify: the tsbpf command end to end', async () => {
  const r = await runCli(['verify', fixture('tail_calls.o'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as unknown[]).length, 3);
});

test('verify --hooks: programs for tsbpf\'s hooks read the fields tsbpf\'s contexts add; without it, the kernel\'s context rules refuse them', async () => {
  const dbLatency = new URL('../../examples/hooks/db_latency.bpf.o', import.meta.url).pathname;
  const kernelRules = await runCliInProcess(['verify', dbLatency, '--program', 'on_query_return', '--json']);
  assert.equal(kernelRules.code, 1);
  assert.equal(JSON.parse(kernelRules.stdout).error, 'invalid bpf_context access off=168 size=8');
  const hookRules = await runCliInProcess(['verify', dbLatency, '--hooks', '--json']);
  assert.equal(hookRules.code, 0, hookRules.stdout);
  assert.deepEqual((JSON.parse(hookRules.stdout) as Array<{ verdict: string }>).map((o) => o.verdict), ['accept', 'accept']);
});

test('verify --unprivileged: program types other than socket_filter and cgroup_skb are refused (EPERM), as bpf_prog_load refuses them', async () => {
  const xdp = await runCliInProcess(['verify', fixture('xdp_firewall.o'), '--unprivileged', '--json']);
  assert.equal(xdp.code, 1);
  const refused = JSON.parse(xdp.stdout) as Array<{ verdict: string; error?: string }>;
  assert.ok(refused.length > 0);
  for (const r of refused) {
    assert.equal(r.verdict, 'reject');
    assert.match(r.error ?? '', /program type xdp needs CAP_BPF/);
  }
  const filter = await runCliInProcess(['verify', fixture('socket_filter.o'), '--unprivileged']);
  assert.equal(filter.code, 0);
});
