// Feature probes against the running kernel: map types, program types,
// helpers per program type, attach mechanisms, and NotSupportedError naming
// what is missing. Expectations come from the kernel's own answers (a map
// created, a program loaded), so they hold on any kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  KernelMap, NotSupportedError, hasHelper, hasMapType, hasProgramType, probeAttachFeatures, probeKernelFeatures, requireHelper,
  requireKprobes, requireMapType, requireProgramType,
} from '../../src/kernel/index.js';
import { BPF_FUNC } from '../../src/helpers/ids.js';
import { kernelSkipReason } from '../support/kernel.js';

const skip = kernelSkipReason();

test('map types: the basic ones are there, and a probe agrees with creating the map by hand', { skip }, () => {
  for (const type of ['BPF_MAP_TYPE_HASH', 'BPF_MAP_TYPE_ARRAY', 'BPF_MAP_TYPE_PERF_EVENT_ARRAY'] as const) assert.equal(hasMapType(type), true);
  let ringbuf = true;
  try {
    KernelMap.create({ type: 'BPF_MAP_TYPE_RINGBUF', keySize: 0, valueSize: 0, maxEntries: 4096 }).close();
  } catch {
    ringbuf = false;
  }
  assert.equal(hasMapType('BPF_MAP_TYPE_RINGBUF'), ringbuf);
  assert.equal(hasMapType('BPF_MAP_TYPE_STRUCT_OPS'), undefined);
});

test('program types and helpers: XDP may call xdp_adjust_head, a tracepoint may not; unknown helper ids are absent', { skip }, () => {
  assert.equal(hasProgramType('BPF_PROG_TYPE_XDP'), true);
  assert.equal(hasProgramType('BPF_PROG_TYPE_SOCKET_FILTER'), true);
  assert.equal(hasHelper('BPF_PROG_TYPE_XDP', BPF_FUNC.xdp_adjust_head), true);
  assert.equal(hasHelper('BPF_PROG_TYPE_XDP', BPF_FUNC.map_lookup_elem), true);
  assert.equal(hasHelper('BPF_PROG_TYPE_TRACEPOINT', BPF_FUNC.xdp_adjust_head), false);
  assert.equal(hasHelper('BPF_PROG_TYPE_XDP', BPF_FUNC.skb_load_bytes), false);
  assert.equal(hasHelper('BPF_PROG_TYPE_XDP', 100000), false);
  requireHelper('BPF_PROG_TYPE_XDP', 'bpf_xdp_adjust_head');
  assert.throws(() => requireHelper('BPF_PROG_TYPE_TRACEPOINT', 'xdp_adjust_head'),
    (e: unknown) => e instanceof NotSupportedError && e.feature === 'helper bpf_xdp_adjust_head in BPF_PROG_TYPE_TRACEPOINT');
  assert.throws(() => requireHelper('BPF_PROG_TYPE_XDP', 'no_such_helper'), NotSupportedError);
  requireMapType('BPF_MAP_TYPE_HASH');
  requireProgramType('BPF_PROG_TYPE_XDP');
});

test('the full report lists every map and program type and the helpers asked for', { skip }, () => {
  const report = probeKernelFeatures(['BPF_PROG_TYPE_SOCKET_FILTER']);
  assert.match(report.kernel, /^\d+\.\d+\.\d+$/);
  assert.equal(report.mapTypes.BPF_MAP_TYPE_HASH, true);
  assert.equal(report.programTypes.BPF_PROG_TYPE_XDP, true);
  assert.ok(report.helpers.BPF_PROG_TYPE_SOCKET_FILTER.includes('map_lookup_elem'));
  assert.ok(report.helpers.BPF_PROG_TYPE_SOCKET_FILTER.includes('skb_load_bytes'));
  assert.ok(!report.helpers.BPF_PROG_TYPE_SOCKET_FILTER.includes('xdp_adjust_head'));
  // Each program type the report calls missing refuses to load for a reason other than our probe.
  for (const [type, present] of Object.entries(report.programTypes)) {
    if (!present) assert.throws(() => requireProgramType(type as 'BPF_PROG_TYPE_XDP'), NotSupportedError);
  }
});

test('attach features: kprobes and uprobes follow their PMUs; kprobes missing is NotSupportedError', { skip }, () => {
  const features = probeAttachFeatures();
  assert.equal(features.kprobes.supported, existsSync('/sys/bus/event_source/devices/kprobe/type'));
  assert.equal(features.uprobes.supported, existsSync('/sys/bus/event_source/devices/uprobe/type'));
  if (features.kprobes.supported) requireKprobes();
  else assert.throws(() => requireKprobes(), (e: unknown) => e instanceof NotSupportedError && e.feature === 'kprobes');
});
