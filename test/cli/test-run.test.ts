// `tsbpf test-run`: the CLI contract (one line per input, --json with every
// map as bpftool dumps it, exit codes 0/1/2), and against bpftool itself:
// the same object and packets through `bpftool prog run` give the same
// return values and the same `bpftool -j map dump` contents.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './spawn-cli.js';
import { runCliInProcess } from './in-process-cli.js';
import { kernelSkipReason } from '../support/kernel.js';
import { fixturePath } from '../support/fixtures.js';
import { ipv4Frame, ipv6Frame, tcp, udp, TCP_SYN, arpFrame } from '../support/packets.js';

const LINE = /^Return value: (\d+), duration \(average\): (\d+)ns$/;
const dir = mkdtempSync(join(tmpdir(), 'tsbpf-test-run-'));
const file = (name: string, bytes: Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const frames = {
  allowed: file('allowed.bin', ipv4Frame('10.0.0.1', '10.0.0.2', tcp(40000, 443, TCP_SYN))),
  v6: file('v6.bin', ipv6Frame('2001:db8::1', '2001:db8::2', udp(1, 53))),
  arp: file('arp.bin', arpFrame('10.0.0.1', '10.0.0.2')),
  short: file('short.bin', new Uint8Array(60)),
  tiny: file('tiny.bin', new Uint8Array(10)),
};
const unchecked = join(process.cwd(), 'test', 'object', 'fixtures', 'unchecked_packet.o');

after(() => rmSync(dir, { recursive: true, force: true }));

interface JsonReport {
  results: Array<{ retval: number; duration_ns: number; data_out: string }>;
  maps: Record<string, Array<{ key: string[]; value?: unknown; formatted?: unknown }>>;
}

describe('tsbpf test-run (VM)', () => {
  test('one line per --data-in, in order, map state carried over; --json reports every map', async () => {
    const text = await runCli(['test-run', fixturePath('globals'), '--data-in', frames.allowed, '--data-in', frames.arp, '--repeat', '2']);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0], LINE);
    assert.equal(LINE.exec(lines[0])?.[1], '0', 'a 40-byte IPv4 packet is below min_len: rejected');

    const json = await runCliInProcess(['test-run', fixturePath('globals'), '--program', 'snap_filter', '--data-in', frames.allowed, '--data-in', frames.short, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as JsonReport;
    assert.deepEqual(report.results.map((r) => r.retval), [0, 0]);
    assert.equal(report.results[1].data_out, '00'.repeat(60), 'a socket filter\'s data out is the packet');
    assert.deepEqual(Object.keys(report.maps), ['globals.rodata', 'globals.bss', 'globals.data', '.data.stats', '.rodata.str1.1']);
    const bss = report.maps['globals.bss'][0].formatted as { value: { '.bss': Array<Record<string, number>> } };
    assert.deepEqual(bss.value['.bss'], [{ accepted: 0 }, { rejected: 2 }, { calls: 2 }], 'both inputs ran against the same object');
    assert.match(json.stdout, /^\{"results":\[\{"retval":0,"duration_ns":\d+,"data_out":"[0-9a-f]*"\}/);
  });

  test('--section, --data-out, --ctx-in', async () => {
    const out = join(dir, 'out.bin');
    const r = await runCliInProcess(['test-run', fixturePath('core_read'), '--section', 'xdp', '--data-in', frames.short, '--data-out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(LINE.exec(r.stdout.trim())?.[1], '2');
    assert.deepEqual(new Uint8Array(readFileSync(out)), new Uint8Array(60));
    const piped = await runCliInProcess(['test-run', fixturePath('core_read'), '--section', 'xdp', '--data-in', frames.short, '--data-out', '-']);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, '\0'.repeat(60), 'stdout holds the packet bytes alone');
    assert.equal(LINE.exec(piped.stderr.trim())?.[1], '2', 'the report goes to stderr');
    const ctx = file('args.bin', new Uint8Array(8));
    const raw = await runCliInProcess(['test-run', fixturePath('core_read'), '--program', 'read_skb', '--ctx-in', ctx, '--json']);
    assert.equal(raw.code, 0, raw.stderr);
    assert.deepEqual((JSON.parse(raw.stdout) as JsonReport).results, [{ retval: 0, duration_ns: (JSON.parse(raw.stdout) as JsonReport).results[0].duration_ns, data_out: '' }]);
  });

  test('exit 2 on bad input, 1 when the program fails', async () => {
    const missing = await runCliInProcess(['test-run', fixturePath('globals'), '--data-in', join(dir, 'nope.bin')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--data-in .*nope\.bin/);
    const badName = await runCliInProcess(['test-run', fixturePath('globals'), '--program', 'nope']);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /no program nope/);
    const tooShort = await runCliInProcess(['test-run', fixturePath('globals'), '--data-in', frames.tiny]);
    assert.equal(tooShort.code, 2, 'a packet shorter than an Ethernet header');
    const fault = await runCli(['test-run', unchecked, '--data-in', frames.short]);
    assert.equal(fault.code, 1, fault.stderr);
    assert.match(fault.stderr, /read_past_end|pc 1|invalid/);
  });
});

describe('tsbpf run on an ELF program that uses maps', () => {
  test('runs inside its object: maps and globals work under the calling convention', async () => {
    const object = join(process.cwd(), 'test', 'object', 'fixtures', 'memory_with_maps.o');
    for (const engine of ['interp', 'jit']) {
      const r = await runCliInProcess(['run', object, '--mem', '0a', '--engine', engine]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), '0xf', `${engine}: 10 + bias 5`);
    }
    const kernel = await runCliInProcess(['run', object, '--mem', '0a', '--backend', 'kernel']);
    assert.equal(kernel.code, 2);
    assert.match(kernel.stderr, /uses maps: run it with `tsbpf test-run --backend kernel`/);
  });
});

describe('tsbpf test-run --backend kernel against bpftool prog run', { skip: kernelSkipReason() }, () => {
  const pinRoot = join('/sys/fs/bpf', `tsbpf-test-run-${process.pid}`);
  before(() => mkdirSync(pinRoot, { recursive: true }));
  after(() => rmSync(pinRoot, { recursive: true, force: true }));

  /** Loads `fixture` with bpftool, runs `program` on each frame, dumps every map. */
  function bpftool(fixture: string, program: string, inputs: string[]): { retvals: number[]; maps: Record<string, unknown[]> } {
    const progs = join(pinRoot, `${fixture}-progs`);
    const maps = join(pinRoot, `${fixture}-maps`);
    execFileSync('bpftool', ['prog', 'loadall', fixturePath(fixture), progs, 'pinmaps', maps]);
    const retvals = inputs.map((f) => {
      const out = execFileSync('bpftool', ['-j', 'prog', 'run', 'pinned', join(progs, program), 'data_in', f], { encoding: 'utf8' });
      return (JSON.parse(out) as { retval: number }).retval;
    });
    const dumps: Record<string, unknown[]> = {};
    for (const name of execFileSync('ls', [maps], { encoding: 'utf8' }).trim().split('\n')) {
      dumps[name] = JSON.parse(execFileSync('bpftool', ['-j', 'map', 'dump', 'pinned', join(maps, name)], { encoding: 'utf8' })) as unknown[];
    }
    return { retvals, maps: dumps };
  }

  const sortEntries = (entries: unknown[]): unknown[] => [...entries].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

  for (const { fixture, program } of [{ fixture: 'xdp_firewall', program: 'xdp_firewall' }, { fixture: 'globals', program: 'snap_filter' }]) {
    test(`${fixture}: same return values and map dumps as bpftool`, async () => {
      const inputs = [frames.allowed, frames.v6, frames.arp, frames.short];
      const ours = await runCliInProcess(['test-run', fixturePath(fixture), '--backend', 'kernel', '--program', program, ...inputs.flatMap((f) => ['--data-in', f]), '--json']);
      assert.equal(ours.code, 0, ours.stderr);
      const report = JSON.parse(ours.stdout) as JsonReport;
      const theirs = bpftool(fixture, program, inputs);
      assert.deepEqual(report.results.map((r) => r.retval), theirs.retvals);
      for (const [pinned, entries] of Object.entries(theirs.maps)) {
        // bpftool pins a map under its name with dots made underscores.
        const name = Object.keys(report.maps).find((n) => n.replace(/\./g, '_') === pinned);
        assert.ok(name, `our report has map ${pinned}`);
        assert.deepEqual(sortEntries(report.maps[name]), sortEntries(entries), `map ${name}`);
      }
      const text = await runCliInProcess(['test-run', fixturePath(fixture), '--backend', 'kernel', '--program', program, '--data-in', frames.allowed]);
      assert.equal(LINE.exec(text.stdout.trim())?.[1], String(theirs.retvals[0]));
    });
  }

  test('per-CPU maps: the kernel run is pinned to CPU 0, where the VM runs, so both reports are the same', async () => {
    const inputs = [frames.allowed, frames.v6, frames.arp].flatMap((f) => ['--data-in', f]);
    const strip = (out: string): unknown => {
      const report = JSON.parse(out) as JsonReport;
      return { ...report, results: report.results.map((r) => ({ ...r, duration_ns: 0 })) };
    };
    const kernel = await runCliInProcess(['test-run', fixturePath('proto_counter'), '--backend', 'kernel', ...inputs, '--json']);
    const vm = await runCliInProcess(['test-run', fixturePath('proto_counter'), '--backend', 'vm', ...inputs, '--json']);
    assert.equal(kernel.code, 0, kernel.stderr);
    assert.deepEqual(strip(kernel.stdout), strip(vm.stdout));
  });

  test('the kernel verifier\'s refusal exits 1 with the source line', async () => {
    const r = await runCli(['test-run', unchecked, '--backend', 'kernel', '--data-in', frames.short]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /rejected by the kernel verifier at insn 1 \(\.\/test\/object\/fixtures\/unchecked_packet\.c:13:\d+: return data\[100\]/);
  });
});
