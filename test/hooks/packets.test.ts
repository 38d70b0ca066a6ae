import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { attach } from '../../src/hooks/attach.js';
import { HookTargetError, WrongProgramTypeError } from '../../src/hooks/errors.js';
import { readCapture, readCaptureFile } from '../../src/hooks/packets/capture/read-capture.js';
import { writePcapng } from '../../src/hooks/packets/capture/pcapng.js';
import { buildFrame, IPPROTO_UDP, parseFrame } from '../../src/hooks/packets/frames.js';
import { PacketInterface } from '../../src/hooks/packets/packet-interface.js';
import { replayCapture } from '../../src/hooks/packets/replay.js';
import { TcpProxy } from '../../src/hooks/packets/tcp-proxy.js';
import { UdpProxy } from '../../src/hooks/packets/udp-proxy.js';
import { asmProgram, packetPointerSkip } from './support.js';

const capture = readCaptureFile(join(import.meta.dirname, 'fixtures', 'captures', 'lo-traffic.pcapng'));

/** Drops IPv4 UDP to port `udp` and IPv4 TCP to port `tcp` (ports read as little-endian u16 of network order). */
const firewall = (udp: number, tcp: number): string => {
  const le = (port: number) => ((port & 0xff) << 8) | (port >> 8);
  return `
    r2 = *(u32 *)(r1 + 0)
    r3 = *(u32 *)(r1 + 4)
    r4 = r2
    r4 += 38
    if r4 > r3 goto pass
    r5 = *(u16 *)(r2 + 12)
    if r5 != 8 goto pass
    r5 = *(u8 *)(r2 + 23)
    r6 = *(u16 *)(r2 + 36)
    if r5 == 17 goto udp
    if r5 == 6 goto tcp
    goto pass
  udp:
    if r6 == ${le(udp)} goto drop
    goto pass
  tcp:
    if r6 == ${le(tcp)} goto drop
  pass:
    r0 = 2
    exit
  drop:
    r0 = 1
    exit`;
};

for (const engine of ['interp', 'jit'] as const) test(`an XDP firewall (${engine}) over a real capture: verdict counts and a capture of the passed packets`, { skip: packetPointerSkip(engine) }, () => {
  const iface = new PacketInterface(`replay-fw-${engine}`);
  try {
    const link = attach(asmProgram(firewall(9999, 1), { type: 'xdp', section: 'xdp', engine, verified: true }), undefined, { interface: `replay-fw-${engine}` });
    const r = replayCapture(capture, iface);
    assert.equal(r.counts.XDP_DROP, 2, JSON.stringify(r.counts));
    assert.equal(r.counts.XDP_PASS, 26);
    assert.equal(link.stats.runCount, 28);
    assert.equal(r.passed.length, 26);
    const out = readCapture(writePcapng(r.passed));
    assert.equal(out.packets.length, 26);
    assert.ok(out.packets.every((p) => { const f = parseFrame(p.data); return !(f && f.protocol === IPPROTO_UDP && f.dport === 9999 && f.ethertype === 0x800); }));
    assert.ok(r.packetsPerSecond > 0);
  } finally {
    iface.close();
  }
});

test('socket filters truncate or drop what XDP passed; a faulting XDP program counts as XDP_ABORTED', () => {
  const iface = new PacketInterface('replay-sf');
  try {
    // Keep the first 20 bytes (the IPv4/IPv6 header's start) of every packet.
    attach(asmProgram('r0 = 20\nexit', { type: 'socket_filter' }), 'socket', { interface: iface });
    const r = replayCapture(capture, iface);
    assert.equal(r.passed.length, 28);
    assert.ok(r.passed.every((p) => p.data.length === 14 + 20));
    const bad = attach(asmProgram('r0 = *(u64 *)(r1 + 4096)\nexit', { type: 'xdp' }), 'xdp', { interface: iface });
    const errors: Error[] = [];
    bad.onError((e) => errors.push(e));
    const r2 = replayCapture(capture, iface);
    assert.equal(r2.counts.XDP_ABORTED, 28);
    assert.equal(errors.length, 28);
  } finally {
    iface.close();
  }
});

test('packet hooks refuse other program types and need an interface', () => {
  const iface = new PacketInterface('replay-bad');
  try {
    assert.throws(() => attach(asmProgram('r0 = 0\nexit', { type: 'tracepoint' }), 'xdp', { interface: iface }), WrongProgramTypeError);
    assert.throws(() => attach(asmProgram('r0 = 2\nexit', { type: 'xdp' }), 'xdp'), HookTargetError);
    assert.throws(() => attach(asmProgram('r0 = 2\nexit', { type: 'xdp' }), 'xdp', { interface: 'nope' }), HookTargetError);
  } finally {
    iface.close();
  }
});

test('frames built for the proxies carry valid checksums (tcpdump-style check by recomputation)', () => {
  const f = buildFrame({ src: '127.0.0.1', dst: '127.0.0.1', sport: 1234, dport: 53, protocol: IPPROTO_UDP, payload: Buffer.from('abc') });
  const p = parseFrame(f);
  assert.ok(p);
  assert.equal(p.dport, 53);
  assert.deepEqual(Buffer.from(p.payload).toString(), 'abc');
  const sum = (b: Uint8Array) => { let s = 0; for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | (b[i + 1] ?? 0); while (s > 0xffff) s = (s & 0xffff) + (s >>> 16); return s; };
  assert.equal(sum(f.subarray(14, 34)), 0xffff, 'IPv4 header checksum');
  const f6 = buildFrame({ src: '::1', dst: '::1', sport: 1, dport: 2, protocol: IPPROTO_UDP, payload: Buffer.from('x') });
  assert.equal(parseFrame(f6)?.ethertype, 0x86dd);
});

test('a UDP proxy on loopback: the XDP program drops or passes each datagram', async () => {
  const target = dgram.createSocket('udp4');
  const got: string[] = [];
  target.on('message', (m, r) => { got.push(m.toString()); target.send(Buffer.from(`ack ${m}`), r.port, r.address); });
  await new Promise<void>((r) => target.bind(0, '127.0.0.1', r));
  const proxy = await UdpProxy.start({ targetHost: '127.0.0.1', targetPort: target.address().port });
  const client = dgram.createSocket('udp4');
  try {
    // Drops datagrams whose first payload byte is 'x' (IPv4: payload at 14 + 20 + 8).
    attach(asmProgram(`
      r2 = *(u32 *)(r1 + 0)
      r3 = *(u32 *)(r1 + 4)
      r4 = r2
      r4 += 43
      if r4 > r3 goto +3
      r5 = *(u8 *)(r2 + 42)
      if r5 != 120 goto +1
      goto +2
      r0 = 2
      exit
      r0 = 1
      exit`, { type: 'xdp', engine: 'jit', verified: true }), 'xdp', { interface: proxy.iface });
    const replies: string[] = [];
    client.on('message', (m) => replies.push(m.toString()));
    for (const m of ['hello', 'xdrop', 'world']) client.send(m, proxy.address.port, '127.0.0.1');
    const deadline = Date.now() + 2000;
    while (replies.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(got.sort(), ['hello', 'world']);
    assert.deepEqual(replies.sort(), ['ack hello', 'ack world']);
    assert.deepEqual(proxy.stats, { received: 3, forwarded: 2, dropped: 1, transmitted: 0, malformed: 0 });
    assert.equal(proxy.iface.counts.XDP_DROP, 1);
  } finally {
    client.close();
    await proxy.close();
    target.close();
  }
});

test('a TCP proxy on loopback: connections from a blocked source port are reset at the SYN', async () => {
  const target = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const proxy = await TcpProxy.start({ targetHost: '127.0.0.1', targetPort: (target.address() as AddressInfo).port });
  try {
    // Drops TCP segments whose source port is even (the low byte of the port is at 35).
    attach(asmProgram(`
      r2 = *(u32 *)(r1 + 0)
      r3 = *(u32 *)(r1 + 4)
      r4 = r2
      r4 += 38
      if r4 > r3 goto pass
      r5 = *(u8 *)(r2 + 35)
      r5 &= 1
      if r5 == 0 goto drop
    pass:
      r0 = 2
      exit
    drop:
      r0 = 1
      exit`, { type: 'xdp', engine: 'jit', verified: true }), 'xdp', { interface: proxy.iface });
    const echo = (localPort: number): Promise<string> => new Promise((resolve) => {
      const c = net.connect({ port: proxy.address.port, host: '127.0.0.1', localPort });
      let text = '';
      c.on('data', (d) => { text += d; if (text === 'ping') c.end(); });
      c.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
      c.on('close', () => resolve(text || 'closed'));
      c.write('ping');
    });
    const base = 40000 + Math.floor(Math.random() * 10000) * 2;
    assert.equal(await echo(base + 1), 'ping');
    assert.match(await echo(base), /ECONNRESET|closed/);
    assert.equal(proxy.stats.refused, 1);
    assert.equal(proxy.stats.forwarded, 1);
  } finally {
    await proxy.close();
    target.close();
  }
});
