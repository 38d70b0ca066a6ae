import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadObjectSpec, parseObjectSpec, lineInfoAt, formatLineInfo, internalMapName, type ObjectSpec, type ProgramSpec,
} from '../../src/elf/index.js';
import { decodeBtfValue } from '../../src/btf/index.js';
import { BPF_PSEUDO_CALL, BPF_PSEUDO_FUNC, BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_VALUE, LD_IMM64, BPF_JMP, BPF_CALL } from '../../src/isa/opcodes.js';
import { fixtureNames, fixturePath, fixturesDir } from '../support/fixtures.js';

const CALL = BPF_JMP | BPF_CALL;
const load = (name: string): ObjectSpec => loadObjectSpec(fixturePath(name));
const program = (spec: ObjectSpec, name: string): ProgramSpec => {
  const p = spec.programs.find((x) => x.name === name);
  assert.ok(p, `program ${name}`);
  return p;
};

type MapRow = [name: string, type: string, keySize: number, valueSize: number, maxEntries: number, flags: number];
type ProgRow = [name: string, section: string, type: string, attachType: string | null];

const EXPECTED: Record<string, { programs: ProgRow[]; maps: MapRow[] }> = {
  xdp_firewall: {
    programs: [['xdp_firewall', 'xdp', 'BPF_PROG_TYPE_XDP', 'BPF_XDP'], ['xdp_count_only', 'xdp', 'BPF_PROG_TYPE_XDP', 'BPF_XDP']],
    maps: [['deny_v4', 'BPF_MAP_TYPE_LPM_TRIE', 8, 4, 1024, 1], ['port_rules', 'BPF_MAP_TYPE_HASH', 2, 16, 256, 0],
      ['verdicts', 'BPF_MAP_TYPE_ARRAY', 4, 8, 4, 0]],
  },
  proto_counter: {
    programs: [['count_protocols', 'xdp', 'BPF_PROG_TYPE_XDP', 'BPF_XDP']],
    maps: [['non_ip', 'BPF_MAP_TYPE_PERCPU_ARRAY', 4, 8, 1, 0], ['proto_stats', 'BPF_MAP_TYPE_PERCPU_ARRAY', 4, 16, 256, 0]],
  },
  tail_calls: {
    programs: [['handle_ipv4', 'xdp', 'BPF_PROG_TYPE_XDP', 'BPF_XDP'], ['handle_ipv6', 'xdp', 'BPF_PROG_TYPE_XDP', 'BPF_XDP'],
      ['dispatcher', 'xdp', 'BPF_PROG_TYPE_XDP', 'BPF_XDP']],
    maps: [['dispatch', 'BPF_MAP_TYPE_PROG_ARRAY', 4, 4, 4, 0], ['handled', 'BPF_MAP_TYPE_ARRAY', 4, 8, 3, 0]],
  },
  ringbuf_events: {
    programs: [['report_syns', 'xdp', 'BPF_PROG_TYPE_XDP', 'BPF_XDP']],
    maps: [['events', 'BPF_MAP_TYPE_RINGBUF', 0, 0, 65536, 0], ['dropped_events', 'BPF_MAP_TYPE_ARRAY', 4, 8, 1, 0]],
  },
  bounded_loop: {
    programs: [['sum_payload', 'xdp', 'BPF_PROG_TYPE_XDP', 'BPF_XDP'], ['popcount_len', 'xdp', 'BPF_PROG_TYPE_XDP', 'BPF_XDP']],
    maps: [['sum_histogram', 'BPF_MAP_TYPE_ARRAY', 4, 8, 256, 0]],
  },
  map_in_map: {
    programs: [['per_tenant', 'xdp', 'BPF_PROG_TYPE_XDP', 'BPF_XDP']],
    maps: [['tenant_a', 'BPF_MAP_TYPE_ARRAY', 4, 8, 8, 0], ['tenant_b', 'BPF_MAP_TYPE_ARRAY', 4, 8, 8, 0],
      ['tenants', 'BPF_MAP_TYPE_ARRAY_OF_MAPS', 4, 4, 2, 0], ['web_allow', 'BPF_MAP_TYPE_HASH', 4, 1, 64, 0],
      ['allow_by_port', 'BPF_MAP_TYPE_HASH_OF_MAPS', 4, 4, 16, 0]],
  },
  globals: {
    programs: [['snap_filter', 'socket', 'BPF_PROG_TYPE_SOCKET_FILTER', null]],
    maps: [['globals.rodata', 'BPF_MAP_TYPE_ARRAY', 4, 43, 1, 0x480], ['globals.bss', 'BPF_MAP_TYPE_ARRAY', 4, 20, 1, 0x400],
      ['globals.data', 'BPF_MAP_TYPE_ARRAY', 4, 4, 1, 0x400], ['.data.stats', 'BPF_MAP_TYPE_ARRAY', 4, 24, 1, 0x400],
      ['.rodata.str1.1', 'BPF_MAP_TYPE_ARRAY', 4, 11, 1, 0x80]],
  },
  core_read: {
    programs: [['read_task', 'raw_tp/sys_enter', 'BPF_PROG_TYPE_RAW_TRACEPOINT', null],
      ['read_skb', 'raw_tp/netif_receive_skb', 'BPF_PROG_TYPE_RAW_TRACEPOINT', null], ['frame_len', 'xdp', 'BPF_PROG_TYPE_XDP', 'BPF_XDP']],
    maps: [['last_task', 'BPF_MAP_TYPE_ARRAY', 4, 56, 1, 0], ['last_skb', 'BPF_MAP_TYPE_ARRAY', 4, 24, 1, 0]],
  },
  socket_filter: {
    programs: [['dns_filter', 'socket', 'BPF_PROG_TYPE_SOCKET_FILTER', null]],
    maps: [['seen_protocols', 'BPF_MAP_TYPE_HASH', 1, 8, 32, 0]],
  },
  tc_classifier: {
    programs: [['classify', 'tc', 'BPF_PROG_TYPE_SCHED_CLS', null]],
    maps: [['blocked_v6', 'BPF_MAP_TYPE_LPM_TRIE', 20, 1, 128, 1], ['remark', 'BPF_MAP_TYPE_HASH', 2, 1, 64, 0],
      ['dscp_bytes', 'BPF_MAP_TYPE_PERCPU_HASH', 1, 8, 64, 0]],
  },
  legacy_maps: {
    programs: [['count_ethertypes', 'socket', 'BPF_PROG_TYPE_SOCKET_FILTER', null]],
    maps: [['ethertype_count', 'BPF_MAP_TYPE_HASH', 2, 8, 64, 0], ['total', 'BPF_MAP_TYPE_ARRAY', 4, 8, 1, 0]],
  },
};

test('the expectations cover every fixture', () => {
  assert.deepEqual(Object.keys(EXPECTED).sort(), fixtureNames().filter((n) => n !== 'btf_values'));
});

for (const [name, want] of Object.entries(EXPECTED)) {
  test(`${name}.o: programs and maps`, () => {
    const spec = load(name);
    assert.equal(spec.name, name);
    assert.equal(spec.license, 'GPL');
    assert.deepEqual(spec.programs.map((p): ProgRow => [p.name, p.section, p.type, p.attachType]), want.programs);
    assert.deepEqual(spec.maps.map((m): MapRow => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries, m.flags]), want.maps);
    for (const p of spec.programs) {
      assert.equal(p.license, 'GPL');
      assert.ok(p.insns.length > 0);
      assert.equal(p.functions[0].name, p.name);
      assert.equal(p.functions[0].insn, 0);
      assert.ok(p.functions[0].btfId > 0, 'func_info gives the entry its BTF FUNC');
      assert.equal(spec.btf?.type(p.functions[0].btfId).name, p.name);
    }
  });
}

test('every lddw that refers to a map is rewritten to the map index, as libbpf does', () => {
  for (const name of fixtureNames()) {
    const spec = load(name);
    for (const p of spec.programs) {
      for (const ref of p.mapRefs) {
        const insn = p.insns[ref.insn];
        assert.equal(insn.opcode, LD_IMM64);
        assert.equal(insn.imm, ref.mapIndex);
        assert.equal(spec.maps[ref.mapIndex].name, ref.map);
        if (ref.kind === 'fd') {
          assert.equal(insn.src, BPF_PSEUDO_MAP_FD);
          assert.equal(p.insns[ref.insn + 1].imm, 0);
        } else {
          assert.equal(insn.src, BPF_PSEUDO_MAP_VALUE);
          assert.equal(p.insns[ref.insn + 1].imm, ref.offset);
          assert.ok(ref.offset < spec.maps[ref.mapIndex].valueSize);
        }
      }
      const lddwMaps = p.insns.filter((x) => x.opcode === LD_IMM64 && (x.src === BPF_PSEUDO_MAP_FD || x.src === BPF_PSEUDO_MAP_VALUE));
      assert.equal(lddwMaps.length, p.mapRefs.length, `${name}/${p.name}: every map lddw has a mapRef`);
    }
  }
});

test('sub-programs are appended once and bpf-to-bpf calls point at them', () => {
  const spec = load('xdp_firewall');
  for (const p of spec.programs) {
    const sub = p.functions.find((f) => f.name === 'count_verdict');
    assert.ok(sub, `${p.name} carries count_verdict`);
    assert.equal(sub.section, '.text');
    assert.equal(sub.insn + sub.length, p.insns.length);
    const calls = p.insns.map((x, i) => [x, i] as const).filter(([x]) => x.opcode === CALL && x.src === BPF_PSEUDO_CALL);
    assert.ok(calls.length > 0);
    for (const [x, i] of calls) assert.equal(i + x.imm + 1, sub.insn);
  }
  assert.equal(spec.programs[1].functions.length, 2);
});

test('a callback passed to bpf_loop becomes a BPF_PSEUDO_FUNC lddw to the appended function', () => {
  const p = program(load('bounded_loop'), 'sum_payload');
  const callback = p.functions.find((f) => f.name === 'add_word');
  assert.ok(callback);
  const funcRefs = p.insns.map((x, i) => [x, i] as const).filter(([x]) => x.opcode === LD_IMM64 && x.src === BPF_PSEUDO_FUNC);
  assert.equal(funcRefs.length, 1);
  const [insn, at] = funcRefs[0];
  assert.equal(at + insn.imm + 1, callback.insn);
  const loopCall = p.insns.findIndex((x) => x.opcode === CALL && x.src === 0 && x.imm === 181);
  assert.ok(loopCall > at, 'bpf_loop (helper 181) is called after loading the callback');
});

test('prog array and map-of-maps initial values, and inner map definitions', () => {
  const tail = load('tail_calls');
  const dispatch = tail.maps.find((m) => m.name === 'dispatch');
  assert.ok(dispatch);
  assert.deepEqual(dispatch.contents.map((c) => [Array.from(c.key), c.value]),
    [[[0, 0, 0, 0], { program: 'handle_ipv4' }], [[1, 0, 0, 0], { program: 'handle_ipv6' }]]);
  const mim = load('map_in_map');
  const tenants = mim.maps.find((m) => m.name === 'tenants');
  assert.ok(tenants?.inner);
  assert.deepEqual([tenants.inner.type, tenants.inner.keySize, tenants.inner.valueSize, tenants.inner.maxEntries],
    ['BPF_MAP_TYPE_ARRAY', 4, 8, 8]);
  assert.deepEqual(tenants.contents.map((c) => c.value), [{ map: 'tenant_a' }, { map: 'tenant_b' }]);
  const byPort = mim.maps.find((m) => m.name === 'allow_by_port');
  assert.equal(byPort?.inner?.type, 'BPF_MAP_TYPE_HASH');
  assert.deepEqual(byPort?.contents.map((c) => c.value), [{ map: 'web_allow' }]);
  assert.equal(byPort?.inner?.name, 'allow_by_port.inner');
});

test('global data: libbpf names, flags, variables and initial values', () => {
  const spec = load('globals');
  const rodata = spec.maps.find((m) => m.name === 'globals.rodata');
  assert.ok(rodata?.global);
  assert.equal(rodata.global.kind, 'rodata');
  const vars = Object.fromEntries(rodata.global.variables.map((v) => [v.name, v]));
  assert.deepEqual(Object.keys(vars).sort(), ['max_len', 'min_len', 'snap_filter.____fmt', 'snap_len', 'tag']);
  const value = rodata.contents[0].value as Uint8Array;
  assert.ok(spec.btf);
  assert.deepEqual(decodeBtfValue(spec.btf, rodata.valueType, value), {
    min_len: 60, max_len: 1514, snap_len: 96, tag: 'tsbpf', 'snap_filter.____fmt': '%s: reject len %u (%s)',
  });
  const data = spec.maps.find((m) => m.name === 'globals.data');
  assert.deepEqual(decodeBtfValue(spec.btf, data!.valueType, data!.contents[0].value as Uint8Array), { last_len: 0xffffffff });
  const bss = spec.maps.find((m) => m.name === 'globals.bss');
  assert.deepEqual(Array.from(bss!.contents[0].value as Uint8Array), new Array(20).fill(0));
  assert.deepEqual(bss!.global!.variables.map((v) => [v.name, v.linkage]).sort(), [['accepted', 1], ['calls', 0], ['rejected', 1]]);
  const stats = spec.maps.find((m) => m.name === '.data.stats');
  assert.deepEqual(decodeBtfValue(spec.btf, stats!.valueType, stats!.contents[0].value as Uint8Array),
    { stats: { min: 0xffffffffffffffffn, max: 0n, total: 0n } });
  const strings = spec.maps.find((m) => m.name === '.rodata.str1.1');
  assert.equal(new TextDecoder().decode(strings!.contents[0].value as Uint8Array), 'short\0long\0');
  assert.equal(strings!.valueType, 0, 'string literals have no DATASEC');
  // Every reference to a global points at a variable's offset, in the right map.
  const p = spec.programs[0];
  for (const ref of p.mapRefs) {
    const m = spec.maps[ref.mapIndex];
    if (m.global !== undefined && m.global.variables.length > 0) {
      assert.ok(m.global.variables.some((v) => v.offset === ref.offset), `${m.name}+${ref.offset} is a variable`);
    }
  }
});

test('internal map names follow libbpf', () => {
  assert.equal(internalMapName('my_object_name', '.rodata'), 'my_objec.rodata');
  assert.equal(internalMapName('my_object_name', '.bss'), 'my_objec.bss');
  assert.equal(internalMapName('my_object_name', '.kconfig'), 'my_obje.kconfig');
  assert.equal(internalMapName('obj', '.rodata.abracadabra'), '.rodata.abracad');
  assert.equal(internalMapName('a-b', '.data'), 'a_b.data');
  const spec = parseObjectSpec(readFileSync(fixturePath('globals')), { name: 'renamed' });
  assert.deepEqual(spec.maps.map((m) => m.name).slice(0, 3), ['renamed.rodata', 'renamed.bss', 'renamed.data']);
});

test('legacy `maps` section and `version`', () => {
  const spec = load('legacy_maps');
  assert.equal(spec.kernelVersion, 0x060100);
  assert.equal(spec.programs[0].kernelVersion, 0x060100);
  assert.deepEqual(spec.maps.map((m) => m.section), ['maps', 'maps']);
  assert.equal(spec.programs[0].mapRefs.filter((r) => r.kind === 'fd').length, 3);
});

test('legacy packet loads survive loading untouched', () => {
  const p = program(load('socket_filter'), 'dns_filter');
  const ldAbs = p.insns.filter((x) => (x.opcode & 0xe7) === 0x20);
  const ldInd = p.insns.filter((x) => (x.opcode & 0xe7) === 0x40);
  assert.ok(ldAbs.length >= 2, 'LD_ABS');
  assert.ok(ldInd.length >= 1, 'LD_IND');
});

test('CO-RE records are attached to their programs', () => {
  const spec = load('core_read');
  assert.equal(program(spec, 'read_task').coreRelos.length, 8);
  assert.equal(program(spec, 'read_skb').coreRelos.length, 13);
  const frame = program(spec, 'frame_len').coreRelos;
  assert.deepEqual(frame.map((r) => r.accessString).sort(), ['0:0', '0:1']);
  assert.ok(frame.every((r) => r.kind === 0 && spec.btf?.type(r.typeId).name === 'xdp_md___reordered'));
});

test('line info maps every instruction to its file, line, column and source text', () => {
  for (const name of fixtureNames()) {
    const source = readFileSync(join(fixturesDir, `${name}.c`), 'utf8').split('\n');
    const header = readFileSync(join(fixturesDir, 'packet.h'), 'utf8').split('\n');
    const spec = load(name);
    for (const p of spec.programs) {
      assert.ok(p.lineInfo.length > 0, `${name}/${p.name}`);
      let previous = -1;
      for (const li of p.lineInfo) {
        assert.ok(li.insn >= previous && li.insn < p.insns.length);
        previous = li.insn;
        const file = li.fileName.endsWith('packet.h') ? header : source;
        assert.match(li.fileName, new RegExp(`^(\\./)?test/fixtures/(${name}\\.c|packet\\.h)$`));
        assert.equal(li.lineText, file[li.line - 1], `${formatLineInfo(li)} text`);
        assert.ok(li.column >= 0);
      }
      for (let i = 0; i < p.insns.length; i++) {
        const li = lineInfoAt(p, i);
        assert.ok(li, `${name}/${p.name} insn ${i} has a source line`);
      }
    }
  }
});

test('a sub-program carries its own line info at its new position', () => {
  const p = program(load('xdp_firewall'), 'xdp_count_only');
  const sub = p.functions[1];
  const li = lineInfoAt(p, sub.insn);
  assert.ok(li);
  assert.match(li.lineText, /count_verdict/);
});
