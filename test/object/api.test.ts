// The object API, run against both backends for everything both support:
// maps with BTF-decoded keys and values, per-CPU values, the kernel's errno
// on refused operations, global variables, ring buffer consumers, prog
// arrays and maps of maps set by object, and closing.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadObject, type BackendName, type BpfObject } from '../../src/object/index.js';
import { MapError } from '../../src/maps/errors.js';
import { BPF_EXIST, BPF_NOEXIST } from '../../src/maps/flags.js';
import { possibleCpus } from '../../src/kernel/cpus.js';
import { kernelSkipReason } from '../support/kernel.js';
import { fixturePath } from '../support/fixtures.js';
import { ipv4Frame, ipv4Le, tcp, TCP_SYN, udp } from '../support/packets.js';
import { join } from 'node:path';

const ENOENT = 2;
const EEXIST = 17;
const E2BIG = 7;
const EINVAL = 22;
const EPERM = 1;

const errno = (n: number) => (e: unknown): boolean => e instanceof MapError && e.errno === n;

const BACKENDS: ReadonlyArray<{ backend: BackendName; skip: string | undefined }> = [
  { backend: 'vm', skip: undefined },
  { backend: 'kernel', skip: kernelSkipReason() },
];

async function open(name: string, backend: BackendName, globals?: Record<string, bigint | number | string>): Promise<BpfObject> {
  return loadObject(fixturePath(name), { backend, cpus: possibleCpus(), ...(globals ? { globals } : {}) });
}

for (const { backend, skip } of BACKENDS) {
  describe(`object API on the ${backend} backend`, { skip }, () => {
    test('structs, char arrays, bitfields, enums and 128-bit integers round-trip through a hash map', async () => {
      const obj = await open('btf_values', backend);
      try {
        const m = obj.maps.records;
        assert.equal(m.type, 'hash');
        const key = { b: 7, s: -3 };
        m.set(key, {
          name: 'eth0', raw: [1, 2, 3, 4], flags: 5, mode: 17, sbits: -2, neg: -100, big: 0xffff_ffff_ffff_fffen, sneg: -5n,
          color: 'BLUE', wide: 'WIDE', ok: true, ptr: 0x1000n, points: [{ b: 1, s: 2 }, { b: 3, s: 4 }],
          as_int: 0x01020304, anon_a: 11, anon_b: 12, alias: 99, cv: -7, sc: -128, uc: 255, mac: [2, 0, 0, 0, 0, 1],
          wide_int: -(1n << 100n), wide_uint: (1n << 127n) + 5n,
        });
        const v = m.get(key) as Record<string, unknown>;
        assert.equal(v.name, 'eth0');
        assert.deepEqual(v.raw, [1, 2, 3, 4]);
        assert.equal(v.flags, 5);
        assert.equal(v.mode, 17);
        assert.equal(v.sbits, -2);
        assert.equal(v.big, 0xffff_ffff_ffff_fffen);
        assert.equal(v.sneg, -5n);
        assert.equal(v.color, -3, 'enums read back as numbers');
        assert.equal(v.wide, 0x1ffffffffn);
        assert.equal(v.ok, true);
        assert.deepEqual(v.points, [{ b: 1, s: 2 }, { b: 3, s: 4 }]);
        assert.equal(v.as_int, 0x01020304);
        assert.deepEqual(v.as_bytes, [4, 3, 2, 1]);
        assert.equal(v.anon_b, 12);
        assert.equal(v.wide_int, -(1n << 100n));
        assert.equal(v.wide_uint, (1n << 127n) + 5n);
        assert.deepEqual(m.keys(), [key]);
        assert.equal(m.entries().length, 1);
        assert.equal(m.has({ b: 1, s: 1 }), false);
      } finally {
        obj.close();
      }
    });

    test('update flags and deletes fail with the kernel\'s errno', async () => {
      const obj = await open('xdp_firewall', backend);
      try {
        const rules = obj.maps.port_rules;
        rules.set(80, { drops: 1n, action: 2, hits: 3 }, BPF_NOEXIST);
        assert.throws(() => rules.set(80, { drops: 0n, action: 2, hits: 0 }, BPF_NOEXIST), errno(EEXIST));
        assert.throws(() => rules.set(81, { drops: 0n, action: 2, hits: 0 }, BPF_EXIST), errno(ENOENT));
        rules.set(80, { drops: 9n, action: 1, hits: 9 }, BPF_EXIST);
        assert.deepEqual(rules.get(80), { drops: 9n, action: 1, hits: 9 });
        assert.equal(rules.delete(80), true);
        assert.equal(rules.delete(80), false);
        assert.equal(rules.get(80), undefined);
        const verdicts = obj.maps.verdicts;
        assert.throws(() => verdicts.set(4, 1n), errno(E2BIG), 'array index past max_entries');
        assert.throws(() => verdicts.delete(0), errno(EINVAL), 'array elements cannot be deleted');
        assert.deepEqual(verdicts.keys(), [0, 1, 2, 3]);
        const lpm = obj.maps.deny_v4;
        lpm.set({ prefixlen: 16, addr: ipv4Le('172.16.0.0') }, 3);
        assert.equal(lpm.get({ prefixlen: 32, addr: ipv4Le('172.16.9.9') }), 3, 'LPM lookups match the longest prefix');
        assert.equal(lpm.get({ prefixlen: 32, addr: ipv4Le('172.17.0.1') }), undefined);
        assert.throws(() => lpm.set({ prefixlen: 33, addr: 0 }, 1), errno(EINVAL), 'prefix longer than the key');
      } finally {
        obj.close();
      }
    });

    test('per-CPU values are one per possible CPU', async () => {
      const obj = await open('proto_counter', backend);
      const cpus = possibleCpus();
      try {
        const stats = obj.maps.proto_stats;
        assert.equal(stats.perCpu, true);
        assert.equal(stats.nCpus, cpus);
        stats.set(6, { packets: 5n, bytes: 500n });
        assert.deepEqual(stats.get(6), Array(cpus).fill({ packets: 5n, bytes: 500n }), 'one value is given to every CPU');
        const each = Array.from({ length: cpus }, (_, i) => ({ packets: BigInt(i), bytes: BigInt(i * 10) }));
        stats.set(7, each);
        assert.deepEqual(stats.get(7), each);
        assert.throws(() => stats.set(8, Array(cpus + 1).fill({ packets: 1n, bytes: 1n })), errno(EINVAL), 'one value too many');
        const raw = stats.raw.lookup(new Uint8Array([7, 0, 0, 0]));
        assert.equal(raw?.length, 16 * cpus, 'raw values are in the syscall layout');
        const frame = ipv4Frame('10.0.0.1', '10.0.0.2', tcp(1, 2));
        obj.programs.count_protocols.testRun({ dataIn: frame, cpu: cpus - 1 });
        const after = stats.get(6) as Array<{ packets: bigint }>;
        assert.equal(after[cpus - 1].packets, 6n, 'the run counted on the CPU it ran on');
        assert.equal(after[0].packets, cpus === 1 ? 6n : 5n);
      } finally {
        obj.close();
      }
    });

    test('globals: set before load, read and written after, .rodata frozen', async () => {
      const obj = await open('globals', backend, { min_len: 10, tag: 'abc' });
      try {
        assert.equal(obj.rodata.min_len, 10);
        assert.equal(obj.rodata.tag, 'abc');
        assert.equal(obj.globals.max_len, 1514);
        assert.deepEqual(Object.keys(obj.bss).sort(), ['accepted', 'calls', 'rejected']);
        obj.data.last_len = 7;
        assert.equal(obj.data.last_len, 7);
        obj.section('.data.stats').stats = { min: 1n, max: 2n, total: 3n };
        assert.deepEqual(obj.section('.data.stats').stats, { min: 1n, max: 2n, total: 3n });
        const frame = ipv4Frame('10.0.0.1', '10.0.0.2', udp(1, 2));
        assert.equal(obj.programs.snap_filter.testRun({ dataIn: frame }).retval, frame.length - 14, 'min_len 10 lets a short frame through');
        assert.equal(obj.data.last_len, frame.length - 14);
        assert.equal(obj.bss.accepted, 1n);
        assert.throws(() => { obj.rodata.min_len = 1; }, errno(EPERM));
        assert.throws(() => obj.globals.nope, /no global variable nope/);
      } finally {
        obj.close();
      }
    });

    test('ring buffer records reach the consumer', async () => {
      const obj = await open('ringbuf_events', backend);
      const ring = obj.maps.events.ringBuffer();
      try {
        obj.programs.report_syns.testRun({ dataIn: ipv4Frame('10.1.1.1', '10.2.2.2', tcp(51000, 80, TCP_SYN)) });
        obj.programs.report_syns.testRun({ dataIn: ipv4Frame('10.1.1.1', '10.2.2.2', tcp(51000, 80)) });
        obj.programs.report_syns.testRun({ dataIn: ipv4Frame('10.1.1.2', '10.2.2.2', udp(5000, 53)) });
        const records = ring.drain();
        assert.deepEqual(records.map((r) => [r.length, r[22], new DataView(r.buffer, r.byteOffset).getUint32(8, true)]),
          [[32, 1, ipv4Le('10.1.1.1')], [32, 2, ipv4Le('10.1.1.2')]]);
        const next = ring.read();
        obj.programs.report_syns.testRun({ dataIn: ipv4Frame('10.1.1.3', '10.2.2.2', tcp(1, 2, TCP_SYN)) });
        const record = await next;
        assert.equal(record?.[22], 1);
        assert.throws(() => obj.maps.events.keys(), errno(524), 'a ring buffer cannot be walked (ENOTSUPP)');
      } finally {
        ring.close();
        obj.close();
      }
    });

    test('perf buffer samples reach the consumer, per CPU', async () => {
      const obj = await loadObject(join(process.cwd(), 'test', 'object', 'fixtures', 'perf_output.o'), { backend, cpus: possibleCpus() });
      const perf = obj.maps.samples.perfBuffer(2);
      try {
        assert.equal(obj.maps.samples.spec.maxEntries, 0);
        assert.equal(obj.maps.samples.maxEntries, possibleCpus(), 'max_entries 0 becomes one slot per CPU, as libbpf does');
        const arg = new Uint8Array(8);
        arg[0] = 9;
        const last = possibleCpus() - 1;
        assert.equal(obj.programs.emit.testRun({ ctxIn: arg, cpu: last }).retval, 0);
        const records = perf.drain();
        assert.deepEqual(records.map((r) => (r.type === 'sample' ? [r.cpu, Buffer.from(r.data).toString('hex')] : r)),
          [[last, `0900000000000000${last.toString(16).padStart(2, '0')}0000000f0b000000000000`]], 'the sample, padded as perf delivers raw samples');
        const next = perf.read();
        obj.programs.emit.testRun({ ctxIn: arg, cpu: 0 });
        const record = await next;
        assert.equal(record?.type === 'sample' ? record.cpu : -1, 0);
      } finally {
        perf.close();
        obj.close();
      }
    });

    test('prog arrays and maps of maps take programs and maps; read back as ids', async () => {
      const obj = await open('tail_calls', backend);
      try {
        const dispatch = obj.maps.dispatch;
        assert.equal(dispatch.get(0), obj.programs.handle_ipv4.id);
        assert.equal(dispatch.get(2), undefined);
        dispatch.set(2, obj.programs.handle_ipv6);
        assert.equal(dispatch.get(2), obj.programs.handle_ipv6.id);
        dispatch.delete(0);
        assert.equal(obj.programs.dispatcher.testRun({ dataIn: ipv4Frame('10.0.0.1', '10.0.0.2', udp(1, 2)) }).retval, 2);
        assert.equal(obj.maps.handled.get(2), 1n, 'an empty slot falls through to the dispatcher\'s own path');
      } finally {
        obj.close();
      }
      const mim = await open('map_in_map', backend);
      try {
        assert.equal(mim.maps.tenants.get(0), mim.maps.tenant_a.id);
        mim.maps.tenants.set(0, mim.maps.tenant_b);
        assert.equal(mim.maps.tenants.get(0), mim.maps.tenant_b.id);
        assert.throws(() => mim.maps.allow_by_port.set(1, mim.maps.tenant_a), errno(EINVAL), 'an inner map of the wrong type');
      } finally {
        mim.close();
      }
    });

    test('unknown names and closed objects are refused', async () => {
      const obj = await open('xdp_firewall', backend);
      assert.throws(() => obj.program('nope'), /has no program nope/);
      assert.throws(() => obj.map('nope'), /has no map nope/);
      assert.equal(obj.program('xdp_firewall').type, 'xdp');
      assert.equal(obj.map('verdicts').name, 'verdicts');
      obj.close();
      obj.close();
      assert.equal(obj.isClosed, true);
      assert.throws(() => obj.maps.verdicts.get(0));
    });
  });
}
