import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaptureFile } from '../../src/hooks/packets/capture/read-capture.js';
import { runCli } from '../cli/spawn-cli.js';

const root = join(import.meta.dirname, '..', '..');
const ex = (name: string): string => join(root, 'examples', 'hooks', name);

test('tsbpf attach OBJ -- node app.js: the programs run inside the app, events print as they come, maps at exit', async () => {
  const r = await runCli(['attach', ex('http_latency.bpf.o'), '--', process.execPath, ex('apps/http-app.mjs')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /attached on_response to tracepoint\/node\/http_server_response/);
  assert.match(r.stdout, /\[ringbuf slow_requests\] struct slow_event \{"duration_ns":\d+,"req_id":\d+,"status":200,"method":"GET","url":"\/report"\}/);
  assert.match(r.stdout, /map latency_hist: \d+ entries/);
  for (const route of ['/users', '/report', '/health', '/nope']) assert.match(r.stdout, new RegExp(`\\{"route":"${route}","slot":\\d+\\} => \\d+`));
});

test('--json: events as JSON lines, then every map as bpftool -j map dump prints it', async () => {
  const r = await runCli(['attach', ex('fs_opens.bpf.o'), '--json', '--', process.execPath, ex('apps/http-app.mjs')]);
  assert.equal(r.code, 0, r.stderr);
  const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { maps: Record<string, Array<{ key: string[]; value: string[]; formatted: { key: { comm: string; path: string }; value: number } }>> };
  const app = last.maps.opens.find((e) => e.formatted.key.path === ex('apps/http-app.mjs'));
  assert.ok(app, JSON.stringify(last.maps.opens));
  assert.equal(app.formatted.value, 3, 'three requests to /users read the file');
  assert.ok(app.key.every((b) => /^0x[0-9a-f]{2}$/.test(b)));
  assert.deepEqual(last.maps.open_errors, []);
});

test('uprobes on an ES module export, through the ESM loader in the app\'s process', async () => {
  const r = await runCli(['attach', ex('db_latency.bpf.o'), '--', process.execPath, ex('apps/db-app.mjs')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /5 of 6 queries succeeded/);
  assert.match(r.stdout, /\{"verb":"SELECT"\} => \{"calls":3,"errors":0,"total_ns":\d+,"max_ns":\d+\}/);
  assert.match(r.stdout, /\{"verb":"DROP"\} => \{"calls":1,"errors":1,/);
});

test('--pcap: XDP programs over a capture, verdict counts and the passed packets written out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-cli-'));
  try {
    const out = join(dir, 'passed.pcapng');
    const r = await runCli(['attach', ex('conn_firewall.bpf.o'), '--engine', 'jit', '--json',
      '--pcap', join(root, 'test/hooks/fixtures/captures/lo-traffic.pcap'), '--pcap-out', out]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { pcap: { packets: number; counts: Record<string, number> }; maps: Record<string, Array<{ formatted: { key: number; value: number } }>> };
    assert.equal(report.pcap.packets, 28);
    // tcp_firewall passes all (nothing blocked); udp_token drops the IPv4 datagrams without a token.
    assert.equal(report.pcap.counts.XDP_DROP, 3);
    assert.equal(report.pcap.counts.XDP_PASS, 25);
    assert.equal(readCaptureFile(out).packets.length, 25);
    const verdicts = Object.fromEntries(report.maps.verdicts.map((e) => [e.formatted.key, e.formatted.value]));
    assert.equal(verdicts[1], 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input exits 2, a refused program exits 1 before the command runs', async () => {
  const missing = await runCli(['attach', join(root, 'nope.o'), '--', process.execPath, '-e', '0']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/);
  const refused = await runCli(['attach', join(root, 'test/hooks/fixtures/refused.bpf.o'), '--', process.execPath, '-e', 'console.log("ran")']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /rejected by the verifier.*map_value_or_null/);
  assert.doesNotMatch(refused.stdout, /ran/);
  const notNode = await runCli(['attach', ex('fs_opens.bpf.o'), '--', 'true']);
  assert.equal(notNode.code, 1);
  assert.match(notNode.stderr, /did not load tsbpf's hooks/);
});

test('--duration stops a long-running command after the report', async () => {
  const t0 = Date.now();
  // The command never ends by itself; its report comes when the CLI stops it (the hooks load in about a second through tsx).
  const r = await runCli(['attach', ex('fs_opens.bpf.o'), '--duration', '3', '--', process.execPath, '-e',
    'const fs = require("fs"); setInterval(() => fs.readFileSync("/etc/hostname"), 50)']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(Date.now() - t0 < 10_000);
  assert.match(r.stdout, /\{"comm":"[^"]*node","path":"\/etc\/hostname"\} => \d+/);
});
