// `tsbpf prog list` and `tsbpf map list / map dump` against the kernel:
// what tsbpf pinned is listed, --all adds what others hold (with their pids),
// and map dump --json prints exactly what `bpftool -j map dump` prints for
// the same map, BTF-formatted values included.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadObjectSpec } from '../../src/elf/index.js';
import { KernelMap, TSBPF_PIN_ROOT, pinFd } from '../../src/kernel/index.js';
import { KernelObject } from '../../src/kernel/object/kernel-object.js';
import { kernelSkipReason } from '../support/kernel.js';
import { counterMap, eventCounter, load } from '../kernel/attach-programs.js';
import { main } from '../../src/cli/main.js';
import { runCli, type CliResult } from './spawn-cli.js';

/**
 * Runs the CLI in this process (a spawn costs most of a second): stdout and
 * stderr captured, process.exitCode put back. For commands whose output does
 * not depend on which process runs them (`prog list` leaves its own pid out, so it is spawned).
 */
async function runHere(args: readonly string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string) => { out.push(String(chunk)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => { err.push(String(chunk)); return true; }) as typeof process.stderr.write;
  try {
    const code = await main([...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.exitCode = undefined;
  }
}

const skip = kernelSkipReason();
const bpftool = spawnSync('bpftool', ['version']).status === 0;
const dir = join(TSBPF_PIN_ROOT, `cli-test-${process.pid}`);
after(() => rmSync(dir, { recursive: true, force: true }));

test('prog list shows pinned programs (not others unless --all, which shows who holds them)', { skip }, async () => {
  const map = counterMap();
  const pinned = load('BPF_PROG_TYPE_TRACEPOINT', 'cli_pinned', eventCounter(), [map]);
  const held = load('BPF_PROG_TYPE_SOCKET_FILTER', 'cli_held', 'r0 = 0\nexit', []);
  pinFd(pinned.fd, join(dir, 'prog'));
  const pinnedId = pinned.info().id;
  const heldId = held.info().id;
  const mapId = map.info().id;
  try {
    const listed = await runCli(['prog', 'list', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const programs = JSON.parse(listed.stdout) as Array<{ id: number; type: string; name: string; map_ids: number[]; pinned?: string[] }>;
    const mine = programs.find((p) => p.id === pinnedId);
    assert.ok(mine, 'the pinned program is listed');
    assert.equal(mine.type, 'tracepoint');
    assert.equal(mine.name, 'cli_pinned');
    assert.deepEqual(mine.map_ids, [mapId]);
    assert.deepEqual(mine.pinned, [join(dir, 'prog')]);
    assert.ok(!programs.some((p) => p.id === heldId), 'a program only this test holds is not tsbpf\'s');

    const all = await runCli(['prog', 'list', '--all']);
    assert.match(all.stdout, new RegExp(`^${pinnedId}: tracepoint  name cli_pinned  tag [0-9a-f]{16}  gpl$`, 'm'));
    assert.match(all.stdout, new RegExp(`^\\tpinned ${join(dir, 'prog')}$`, 'm'));
    assert.match(all.stdout, new RegExp(`^${heldId}: socket_filter  name cli_held  tag [0-9a-f]{16}  gpl\\n(\\t.*\\n)*?\\tpids [^\\n]*\\(${process.pid}\\)`, 'm'));


    const maps = await runHere(['map', 'list', '--json']);
    const listedMap = (JSON.parse(maps.stdout) as Array<{ id: number; type: string; bytes_key: number }>).find((m) => m.id === mapId);
    assert.equal(listedMap?.type, 'array', 'the map of a listed program is listed');
    assert.equal(listedMap?.bytes_key, 4);
  } finally {
    pinned.close();
    held.close();
    map.close();
  }
});

test('map dump: text and JSON, by pin, id and name; bad selectors exit 2', { skip }, async () => {
  const map = KernelMap.create({ type: 'BPF_MAP_TYPE_HASH', keySize: 4, valueSize: 4, maxEntries: 8, name: `cli_dump${process.pid % 1000}` });
  const path = join(dir, 'plain');
  try {
    map.update(Uint8Array.of(1, 0, 0, 0), Uint8Array.of(0x2a, 0, 0, 0));
    pinFd(map.fd, path);
    const text = await runHere(['map', 'dump', 'pinned', path]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, 'key: 01 00 00 00  value: 2a 00 00 00\nFound 1 element\n');
    const byId = await runHere(['map', 'dump', 'id', String(map.info().id), '--json']);
    assert.equal(byId.stdout.trim(), '[{"key":["0x01","0x00","0x00","0x00"],"value":["0x2a","0x00","0x00","0x00"]}]');
    const byName = await runHere(['map', 'dump', 'name', map.name, '--json']);
    assert.equal(byName.stdout, byId.stdout);
    if (bpftool) assert.equal(byId.stdout.trim(), spawnSync('bpftool', ['-j', 'map', 'dump', 'pinned', path], { encoding: 'utf8' }).stdout.trim());

    assert.equal((await runHere(['map', 'dump', 'id', '0'])).code, 2);
    assert.equal((await runHere(['map', 'dump', 'label', 'x'])).code, 2);
    const missing = await runHere(['map', 'dump', 'pinned', join(dir, 'nothing')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nothing is pinned there/);
  } finally {
    map.close();
  }
});

test('map dump --json of a BTF map (the syscall-count example\'s) is what bpftool -j prints', { skip: skip ?? (bpftool ? undefined : 'bpftool is not installed') }, async () => {
  const spec = loadObjectSpec('examples/syscall-count/syscall_count.bpf.o');
  const obj = KernelObject.load(spec);
  const path = join(dir, 'counts');
  try {
    const counts = obj.maps.get('counts')!.map;
    const comm = (text: string): Uint8Array => { const b = new Uint8Array(16); b.set(new TextEncoder().encode(text)); return b; };
    counts.update(comm('bash'), new Uint8Array(new BigUint64Array([12n]).buffer));
    counts.update(comm('node'), new Uint8Array(new BigUint64Array([3n]).buffer));
    pinFd(counts.fd, path);
    const ours = await runHere(['map', 'dump', 'pinned', path, '--json']);
    assert.equal(ours.code, 0, ours.stderr);
    const theirs = spawnSync('bpftool', ['-j', 'map', 'dump', 'pinned', path], { encoding: 'utf8' }).stdout;
    assert.deepEqual(JSON.parse(ours.stdout), JSON.parse(theirs));
    assert.match(ours.stdout, /"formatted":\{"key":"bash","value":12\}/);
    const text = await runHere(['map', 'dump', 'pinned', path]);
    assert.match(text.stdout, /"key": "node",\n\s+"value": 3/);
    assert.match(text.stdout, /Found 2 elements\n$/);
  } finally {
    obj.close();
  }
});
