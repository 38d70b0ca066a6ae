// Network attachments in the real kernel, with real packets: XDP and tc
// (tcx links and clsact filters) on a veth pair whose peer lives in a network
// namespace the test creates, a socket filter on a socketpair, and a cgroup
// program that refuses socket creation to a process moved into a new cgroup.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  KernelError, NoSuchInterfaceError, TSBPF_PIN_ROOT, attachCgroup, attachSocketFilter, attachTc, attachXdp, cgroup2Root, unpin,
} from '../../src/kernel/index.js';
import { libc } from '../../src/kernel/libc/libc.js';
import { kernelSkipReason } from '../support/kernel.js';
import { counterMap, denySocketCreate, load, readCounter, socketFilterDropD, tcUdpCounter, xdpUdpFilter } from './attach-programs.js';
import { probeTarget, runProbeTarget } from './probe-target.js';
import { createVethPair, vethSkipReason, type VethPair } from './veth-fixture.js';

const skip = kernelSkipReason();
const netSkip = skip ?? vethSkipReason();
let veth: VethPair | undefined;

before(() => {
  if (!netSkip) veth = createVethPair();
});
after(() => veth?.destroy());

/** Binds a UDP socket on the outer address and counts what arrives. */
async function receiver(port: number): Promise<{ count: () => number; close: () => void }> {
  const socket = dgram.createSocket('udp4');
  let received = 0;
  socket.on('message', () => received++);
  await new Promise<void>((resolve) => socket.bind(port, veth!.outerAddress, resolve));
  return { count: () => received, close: () => socket.close() };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

test('XDP on a veth: UDP to the blocked port is dropped, the rest passes, verdicts counted', { skip: netSkip }, async () => {
  const map = counterMap();
  const prog = load('BPF_PROG_TYPE_XDP', 'xdp_udp', xdpUdpFilter(9102), [map], 'BPF_XDP');
  const open = await receiver(9101);
  const blocked = await receiver(9102);
  try {
    const link = attachXdp(prog, veth!.outer);
    assert.equal(link.info().kind, 'xdp');
    veth!.sendUdp(9101, 5);
    veth!.sendUdp(9102, 7);
    await settle();
    assert.equal(readCounter(map, 0), 5n);
    assert.equal(readCounter(map, 1), 7n);
    assert.equal(open.count(), 5);
    assert.equal(blocked.count(), 0);
    // One XDP link per interface: a second attach is refused with a clear message.
    assert.throws(() => attachXdp(prog, veth!.outer), (e: unknown) => e instanceof KernelError && /already attached/.test(e.message));
    link.close();
    veth!.sendUdp(9102, 3);
    await settle();
    assert.equal(blocked.count(), 3);
    assert.equal(readCounter(map, 1), 7n);
  } finally {
    open.close();
    blocked.close();
    prog.close();
    map.close();
  }
});

test('tcx: ingress drops (TC_ACT_SHOT) and egress counts, through tcx links', { skip: netSkip }, async () => {
  const inMap = counterMap();
  const outMap = counterMap();
  const ingress = load('BPF_PROG_TYPE_SCHED_CLS', 'tc_in', tcUdpCounter(9111, true), [inMap]);
  const egress = load('BPF_PROG_TYPE_SCHED_CLS', 'tc_out', tcUdpCounter(9112, false), [outMap]);
  const dropped = await receiver(9111);
  try {
    const inLink = attachTc(ingress, veth!.outer, 'ingress');
    const outLink = attachTc(egress, veth!.outer, 'egress');
    assert.equal(inLink.kind, 'tcx');
    assert.equal(outLink.info().kind, 'tcx');
    veth!.sendUdp(9111, 4);
    await veth!.sendUdpOut(9112, 6);
    await settle();
    assert.equal(readCounter(inMap), 4n);
    assert.equal(dropped.count(), 0);
    assert.equal(readCounter(outMap), 6n);
    inLink.close();
    outLink.close();
    veth!.sendUdp(9111, 2);
    await settle();
    assert.equal(dropped.count(), 2);
  } finally {
    dropped.close();
    ingress.close();
    egress.close();
    inMap.close();
    outMap.close();
  }
});

test('tc through a clsact cls_bpf filter (netlink): counts, and close() deletes the filter', { skip: netSkip }, async () => {
  const map = counterMap();
  const prog = load('BPF_PROG_TYPE_SCHED_CLS', 'tc_clsact', tcUdpCounter(9121, false), [map]);
  try {
    const link = attachTc(prog, veth!.outer, 'egress', { mode: 'clsact' });
    assert.equal(link.kind, 'tc');
    assert.equal(link.isBpfLink, false);
    const shown = spawnSync('tc', ['filter', 'show', 'dev', veth!.outer, 'egress'], { encoding: 'utf8' }).stdout;
    assert.match(shown, /bpf .*tc_clsact.*direct-action/);
    // The same priority and handle again: EEXIST, said clearly.
    assert.throws(() => attachTc(prog, veth!.outer, 'egress', { mode: 'clsact' }), (e: unknown) => e instanceof KernelError && /already on/.test(e.message));
    await veth!.sendUdpOut(9121, 3);
    await settle();
    assert.equal(readCounter(map), 3n);
    link.close();
    assert.doesNotMatch(spawnSync('tc', ['filter', 'show', 'dev', veth!.outer, 'egress'], { encoding: 'utf8' }).stdout, /tc_clsact/);
  } finally {
    prog.close();
    map.close();
  }
});

test('an interface that does not exist: NoSuchInterfaceError for XDP and tc', { skip }, () => {
  const xdp = load('BPF_PROG_TYPE_XDP', 'xdp_none', 'r0 = 2\nexit', []);
  const tc = load('BPF_PROG_TYPE_SCHED_CLS', 'tc_none', 'r0 = 0\nexit', []);
  try {
    assert.throws(() => attachXdp(xdp, 'tsbpf-nope0'), (e: unknown) => e instanceof NoSuchInterfaceError && e.interfaceName === 'tsbpf-nope0' && /no such network interface/.test(e.message));
    assert.throws(() => attachTc(tc, 'tsbpf-nope0', 'ingress'), NoSuchInterfaceError);
    assert.throws(() => attachXdp(xdp, ''), NoSuchInterfaceError);
  } finally {
    xdp.close();
    tc.close();
  }
});

test('socket filter on a socketpair: every message counted, those starting with D dropped', { skip }, () => {
  const c = libc();
  const fds = new Int32Array(2);
  assert.equal(c.socketpair(1 /* AF_UNIX */, 2 /* SOCK_DGRAM */, 0, fds), 0);
  const map = counterMap();
  const prog = load('BPF_PROG_TYPE_SOCKET_FILTER', 'sock_drop_d', socketFilterDropD(), [map]);
  const send = (text: string): void => {
    const bytes = new TextEncoder().encode(text);
    assert.equal(Number(c.send(fds[0], bytes, bytes.length, 0)), bytes.length);
  };
  const receiveAll = (): string[] => {
    const out: string[] = [];
    const buffer = new Uint8Array(256);
    for (;;) {
      const n = Number(c.recv(fds[1], buffer, buffer.length, 0x40 /* MSG_DONTWAIT */));
      if (n < 0) return out;
      out.push(new TextDecoder().decode(buffer.subarray(0, n)));
    }
  };
  try {
    const link = attachSocketFilter(prog, fds[1]);
    assert.equal(link.kind, 'socket_filter');
    for (const m of ['hello', 'Drop me', 'world', 'Dd', 'again']) send(m);
    assert.deepEqual(receiveAll(), ['hello', 'world', 'again']);
    assert.equal(readCounter(map), 5n);
    link.close();
    send('Delivered now');
    assert.deepEqual(receiveAll(), ['Delivered now']);
    assert.equal(readCounter(map), 5n);
  } finally {
    c.close(fds[0]);
    c.close(fds[1]);
    prog.close();
    map.close();
  }
});

const target = probeTarget();
test('cgroup/sock_create on a new cgroup: sockets refused (EPERM) inside it until the link closes', { skip: skip ?? ('error' in target ? target.error : undefined) }, () => {
  const dir = join(cgroup2Root(), `tsbpf-test-${process.pid}`);
  mkdirSync(dir);
  const map = counterMap();
  const prog = load('BPF_PROG_TYPE_CGROUP_SOCK', 'deny_socks', denySocketCreate(), [map], 'BPF_CGROUP_INET_SOCK_CREATE');
  const binary = 'path' in target ? target.path : '';
  // The shell moves itself into the cgroup, then becomes the probe target.
  const inCgroup = (): string => {
    const r = spawnSync('sh', ['-c', `echo $$ > ${dir}/cgroup.procs && exec ${binary} socket`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.trim();
  };
  try {
    const link = attachCgroup(prog, dir, 'BPF_CGROUP_INET_SOCK_CREATE');
    assert.equal(link.info().kind, 'cgroup');
    assert.equal(inCgroup(), 'errno=1');
    assert.equal(runProbeTarget(binary, 'socket'), 'ok'); // outside the cgroup
    assert.equal(readCounter(map), 1n);
    link.close();
    assert.equal(inCgroup(), 'ok');
    // detach() takes the program off even while a pin holds the link.
    const pinned = attachCgroup(prog, dir, 'BPF_CGROUP_INET_SOCK_CREATE');
    const pinPath = join(TSBPF_PIN_ROOT, `cgroup-link-${process.pid}`);
    pinned.pin(pinPath);
    assert.equal(inCgroup(), 'errno=1');
    pinned.detach();
    assert.equal(inCgroup(), 'ok');
    unpin(pinPath);
  } finally {
    prog.close();
    map.close();
    rmdirSync(dir);
  }
});
