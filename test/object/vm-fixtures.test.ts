// Every fixture loads and runs in the VM, with both engines: the scenario's
// packets give the return values the C source implies, and the maps hold
// what the programs wrote (read back through the BTF-decoded map API).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { loadObject } from '../../src/object/index.js';
import { MapError } from '../../src/maps/errors.js';
import { inetChecksum, ipv4Frame, ipv4Le, udp } from '../support/packets.js';
import { fixtureNames, fixturePath } from '../support/fixtures.js';
import { scenarioOf, SCENARIOS, type Scenario } from './scenarios.js';
import { completed, runScenario, type ScenarioOutcome } from './run-scenario.js';

const ENGINES = ['interp', 'jit'] as const;
const CPUS = 2;

/** What each fixture's maps must hold after its scenario ran. */
const CHECKS: Record<string, (o: ScenarioOutcome) => void | Promise<void>> = {
  xdp_firewall: ({ obj }) => {
    assert.equal(obj.maps.verdicts.get(1), 7n, 'XDP_DROP verdicts');
    assert.equal(obj.maps.verdicts.get(2), 7n, 'XDP_PASS verdicts');
    assert.deepEqual(obj.maps.port_rules.get(22), { drops: 3n, action: 1, hits: 3 });
    assert.deepEqual(obj.maps.port_rules.get(443), { drops: 0n, action: 2, hits: 1 });
    assert.deepEqual(obj.maps.deny_v4.keys().length, 2);
  },
  proto_counter: ({ obj, results }) => {
    const len = (i: number): bigint => BigInt(SCENARIOS[1].runs[i].dataIn!.length);
    assert.equal(results.length, 7);
    assert.deepEqual(obj.maps.proto_stats.get(6), [{ packets: 1n, bytes: len(0) }, { packets: 1n, bytes: len(3) }]);
    assert.deepEqual(obj.maps.proto_stats.get(17), [{ packets: 0n, bytes: 0n }, { packets: 1n, bytes: len(1) }]);
    assert.deepEqual(obj.maps.proto_stats.get(1), [{ packets: 4n, bytes: 4n * len(2) }, { packets: 0n, bytes: 0n }]);
    assert.deepEqual(obj.maps.proto_stats.get(58), [{ packets: 1n, bytes: len(4) }, { packets: 0n, bytes: 0n }]);
    assert.deepEqual(obj.maps.proto_stats.get(0), [{ packets: 1n, bytes: len(6) }, { packets: 0n, bytes: 0n }]);
    assert.deepEqual(obj.maps.non_ip.get(0), [0n, 1n]);
  },
  tail_calls: ({ obj }) => {
    assert.deepEqual(obj.maps.handled.entries(), [[0, 3n], [1, 2n], [2, 1n]]);
    assert.equal(obj.maps.dispatch.get(0), obj.programs.handle_ipv4.id, 'prog array slots read back as program ids');
  },
  bounded_loop: ({ obj, results }) => {
    assert.equal(obj.maps.sum_histogram.get(7), 1n);
    assert.equal(obj.maps.sum_histogram.get(0), 2n, '256 and 256*257 both end in a zero byte');
    assert.equal(completed(results[2]).retval, 2, '256 words of 0x0101 sum to an even number');
  },
  ringbuf_events: ({ obj }) => {
    const ring = obj.maps.events.ringBuffer();
    try {
      const records = ring.drain();
      assert.equal(records.length, 3);
      const fields = records.map((r) => {
        const v = new DataView(r.buffer, r.byteOffset, r.byteLength);
        return { len: r.length, saddr: v.getUint32(8, true), dport: v.getUint16(18, true), l3: v.getUint16(20, true), kind: r[22] };
      });
      assert.deepEqual(fields, [
        { len: 32, saddr: ipv4Le('10.1.1.1'), dport: 80, l3: 0x0800, kind: 1 },
        { len: 32, saddr: ipv4Le('10.1.1.1'), dport: 53, l3: 0x0800, kind: 2 },
        { len: 32, saddr: 0, dport: 443, l3: 0x86dd, kind: 1 },
      ]);
      assert.deepEqual(ring.drain(), []);
    } finally {
      ring.close();
    }
    assert.equal(obj.maps.dropped_events.get(0), 0n);
  },
  map_in_map: ({ obj }) => {
    assert.equal(obj.maps.tenant_a.get(6), 2n);
    assert.equal(obj.maps.tenant_b.get(6), 1n);
    assert.equal(obj.maps.tenant_b.get(1), 2n);
    assert.equal(obj.maps.tenants.get(1), obj.maps.tenant_b.id, 'map-of-maps slots read back as map ids');
  },
  tc_classifier: ({ obj, results }) => {
    const out = completed(results[2]).dataOut;
    assert.equal(out[15], (46 << 2) | 1, 'TOS rewritten to DSCP 46, ECN bits kept');
    assert.equal(inetChecksum(out.subarray(14, 34)), 0, 'IPv4 header checksum still valid after bpf_l3_csum_replace');
    const v4 = BigInt(SCENARIOS[7].runs[2].dataIn!.length);
    const udp = BigInt(SCENARIOS[7].runs[3].dataIn!.length);
    assert.deepEqual(obj.maps.dscp_bytes.get(46), [v4, 0n]);
    assert.deepEqual(obj.maps.dscp_bytes.get(10), [2n * udp, 0n]);
    assert.equal(obj.maps.dscp_bytes.keys().length, 3);
  },
  globals: ({ obj }) => {
    assert.equal(obj.rodata.snap_len, 64, 'set through loadObject globals before load');
    assert.equal(obj.rodata.min_len, 60);
    assert.equal(obj.rodata.tag, 'tsbpf');
    assert.equal(obj.bss.accepted, 2n);
    assert.equal(obj.bss.rejected, 2n);
    assert.equal(obj.bss.calls, 4);
    assert.equal(obj.data.last_len, 1586);
    assert.deepEqual(obj.section('.data.stats').stats, { min: 40n, max: 1586n, total: 40n + 62n + 186n + 1586n });
    assert.equal(obj.globals.accepted, 2n);
    obj.bss.accepted = 100n;
    assert.equal(obj.bss.accepted, 100n, 'globals are writable after load');
    assert.throws(() => { obj.rodata.min_len = 1; }, (e: unknown) => e instanceof MapError && e.errno === 1, '.rodata is frozen after load (EPERM)');
  },
  legacy_maps: ({ obj }) => {
    assert.deepEqual(new Map(obj.maps.ethertype_count.entries() as Array<[number, bigint]>), new Map([[0x0008, 3n], [0xdd86, 1n], [0x0608, 1n]]));
    assert.equal(obj.maps.total.get(0), 5n);
  },
  core_read: ({ obj }) => {
    assert.deepEqual(obj.maps.last_skb.get(0), { len: 0n, cloned: 0n, pkt_type: 0n });
  },
  btf_values: ({ obj }) => {
    assert.equal(obj.globals.counter, 44);
  },
};

for (const engine of ENGINES) {
  describe(`VM objects (${engine})`, () => {
    test('every fixture loads and each of its programs test-runs', async () => {
      const frame = ipv4Frame('10.0.0.1', '10.0.0.2', udp(1234, 53, new Uint8Array(32)));
      for (const name of fixtureNames()) {
        const obj = await loadObject(fixturePath(name), { engine, cpus: CPUS });
        try {
          assert.ok(Object.keys(obj.programs).length > 0, `${name} has programs`);
          assert.ok(scenarioOf(name), `${name} has a scenario in test/object/scenarios.ts`);
          for (const p of Object.values(obj.programs)) {
            const packet = p.type !== 'raw_tracepoint';
            const r = p.testRun(packet ? { dataIn: frame } : { ctxIn: new Uint8Array(16) });
            assert.ok(Number.isInteger(r.retval) && r.durationNs >= 0, `${name}/${p.name} ran`);
            assert.equal(r.dataOut.length, packet ? frame.length : 0);
          }
        } finally {
          obj.close();
        }
      }
    });

    for (const scenario of SCENARIOS as readonly Scenario[]) {
      test(`${scenario.fixture}: every input gives the expected verdict and map state`, async () => {
        const outcome = await runScenario(scenario, { engine, cpus: CPUS });
        try {
          scenario.runs.forEach((run, i) => {
            const r = outcome.results[i];
            if (run.expect === 'refused') assert.deepEqual(r, { refused: 22 }, `${run.program}: ${run.name}: refused with EINVAL`);
            else if (run.expect !== undefined) assert.equal(completed(r).retval, run.expect, `${run.program}: ${run.name}`);
          });
          await CHECKS[scenario.fixture]?.(outcome);
        } finally {
          outcome.obj.close();
        }
      });
    }
  });
}
