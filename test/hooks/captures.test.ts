import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CaptureError, LINKTYPE_ETHERNET } from '../../src/hooks/packets/capture/capture.js';
import { readPcap, writePcap } from '../../src/hooks/packets/capture/pcap.js';
import { readPcapng, writePcapng } from '../../src/hooks/packets/capture/pcapng.js';
import { readCapture, readCaptureFile } from '../../src/hooks/packets/capture/read-capture.js';

const dir = join(import.meta.dirname, 'fixtures', 'captures');
const file = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, name)));
const tcpdump = spawnSync('tcpdump', ['--version']).status === 0;

test('reads the tcpdump (pcap, µs and ns) and dumpcap (pcapng) captures of the same traffic', () => {
  const us = readCaptureFile(join(dir, 'lo-traffic.pcap'));
  const ns = readCaptureFile(join(dir, 'lo-traffic-ns.pcap'));
  const ng = readCaptureFile(join(dir, 'lo-traffic.pcapng'));
  assert.equal(us.format, 'pcap');
  assert.equal(ng.format, 'pcapng');
  for (const c of [us, ns, ng]) {
    assert.equal(c.packets.length, 28);
    assert.equal(c.packets[0].linkType, LINKTYPE_ETHERNET);
    // The first packet is the SYN to port 8080: IPv4, TCP.
    const p = c.packets[0].data;
    assert.equal((p[12] << 8) | p[13], 0x0800);
    assert.equal(p[23], 6);
    assert.equal((p[36] << 8) | p[37], 8080);
  }
  assert.deepEqual(us.packets.map((p) => p.timestampNs), ns.packets.map((p) => p.timestampNs));
  assert.deepEqual(us.packets.map((p) => p.data.length), ng.packets.map((p) => p.data.length));
  assert.ok(ng.packets[0].timestampNs % 1000n !== 0n, 'pcapng keeps nanoseconds');
  assert.equal(ng.interfaces[0].name, 'lo');
});

test('writers round-trip, in both byte orders and precisions, and tcpdump reads what they write', () => {
  const packets = readPcapng(file('lo-traffic.pcapng')).packets;
  const variants: Array<[string, Uint8Array]> = [
    ['us.pcap', writePcap(packets)],
    ['ns.pcap', writePcap(packets, { nanos: true })],
    ['be.pcap', writePcap(packets, { bigEndian: true, nanos: true })],
    ['x.pcapng', writePcapng(packets)],
  ];
  const tmp = mkdtempSync(join(tmpdir(), 'tsbpf-cap-'));
  try {
    for (const [name, bytes] of variants) {
      const back = readCapture(bytes);
      assert.equal(back.packets.length, packets.length, name);
      back.packets.forEach((p, i) => assert.deepEqual(p.data, packets[i].data, `${name} #${i}`));
      if (name !== 'us.pcap') assert.deepEqual(back.packets.map((p) => p.timestampNs), packets.map((p) => p.timestampNs), name);
      if (tcpdump) {
        writeFileSync(join(tmp, name), bytes);
        const r = spawnSync('tcpdump', ['-nr', join(tmp, name)], { encoding: 'utf8' });
        assert.equal(r.status, 0, `${name}: ${r.stderr}`);
        assert.equal(r.stdout.trim().split('\n').length, packets.length, name);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('corrupt captures: a typed error with the byte offset, never anything else', () => {
  const pcap = file('lo-traffic.pcap');
  const ng = file('lo-traffic.pcapng');
  assert.throws(() => readCapture(new Uint8Array([1, 2, 3, 4, 5])), (e: unknown) => e instanceof CaptureError && e.offset === 0 && /magic/.test(e.message));
  assert.throws(() => readPcap(pcap.subarray(0, 30)), (e: unknown) => e instanceof CaptureError && e.offset === 24 && /truncated/.test(e.message));
  const big = pcap.slice();
  new DataView(big.buffer).setUint32(24 + 8, 0x7fff_ffff, true);
  assert.throws(() => readPcap(big), (e: unknown) => e instanceof CaptureError && e.offset === 32 && /snapshot length/.test(e.message));
  const badLen = ng.slice();
  new DataView(badLen.buffer).setUint32(4, 13, true);
  assert.throws(() => readPcapng(badLen), (e: unknown) => e instanceof CaptureError && e.offset === 4);
  const cuts = (bytes: Uint8Array) => fc.integer({ min: 0, max: bytes.length - 1 }).map((n) => bytes.subarray(0, n));
  const flips = (bytes: Uint8Array) => fc.tuple(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 }))
    .map(([i, b]) => { const c = bytes.slice(); c[i] = b; return c; });
  for (const bytes of [pcap, ng]) {
    fc.assert(fc.property(fc.oneof(cuts(bytes), flips(bytes)), (input) => {
      try {
        readCapture(input);
      } catch (e) {
        if (!(e instanceof CaptureError)) throw e;
        assert.ok(e.offset >= 0 && e.offset <= input.length);
      }
    }), { numRuns: 400 });
  }
});
