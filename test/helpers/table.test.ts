import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BPF_FUNC, HELPERS, HELPER_TABLE, helperProto, mapHelperCompatible } from '../../src/helpers/index.js';
import { renderHelpersDoc } from '../../scripts/helpers-doc.js';

// The helper ids themselves are checked against the kernel's BTF and the header in test/uapi.

test('the helper table covers the helpers issue 3 asks for, with prototypes', () => {
  const required = [
    'map_lookup_elem', 'map_update_elem', 'map_delete_elem', 'map_push_elem', 'map_pop_elem', 'map_peek_elem',
    'for_each_map_elem', 'loop', 'tail_call', 'ktime_get_ns', 'ktime_get_boot_ns', 'ktime_get_coarse_ns', 'jiffies64',
    'get_prandom_u32', 'get_smp_processor_id', 'get_numa_node_id', 'get_current_pid_tgid', 'get_current_uid_gid',
    'get_current_comm', 'get_current_task', 'trace_printk', 'trace_vprintk', 'snprintf', 'strncmp', 'probe_read',
    'probe_read_user', 'probe_read_kernel', 'probe_read_str', 'probe_read_user_str', 'probe_read_kernel_str',
    'perf_event_output', 'ringbuf_output', 'ringbuf_reserve', 'ringbuf_submit', 'ringbuf_discard', 'ringbuf_query',
    'csum_diff', 'xdp_adjust_head', 'xdp_adjust_tail', 'xdp_adjust_meta', 'skb_load_bytes', 'get_func_ip', 'get_attach_cookie',
  ] as const;
  for (const name of required) {
    const proto = helperProto(BPF_FUNC[name]);
    assert.ok(proto, name);
    assert.equal(proto.name, name);
    assert.equal(HELPER_TABLE.get(BPF_FUNC[name]), HELPERS.get(BPF_FUNC[name])!.fn);
  }
  assert.equal(helperProto(BPF_FUNC.ringbuf_reserve)!.acquiresRef, true);
  assert.equal(helperProto(BPF_FUNC.ringbuf_submit)!.releasesArg, 0);
  assert.deepEqual(helperProto(BPF_FUNC.map_update_elem)!.args, ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY', 'ARG_PTR_TO_MAP_VALUE', 'ARG_ANYTHING']);
  assert.equal(helperProto(BPF_FUNC.map_lookup_elem)!.ret, 'RET_PTR_TO_MAP_VALUE_OR_NULL');
  assert.equal(helperProto(BPF_FUNC.sys_bpf), undefined);
});

test('map and helper compatibility as check_map_func_compatibility', () => {
  assert.ok(mapHelperCompatible('hash', BPF_FUNC.map_lookup_elem));
  assert.ok(!mapHelperCompatible('prog_array', BPF_FUNC.map_lookup_elem));
  assert.ok(mapHelperCompatible('prog_array', BPF_FUNC.tail_call));
  assert.ok(!mapHelperCompatible('hash', BPF_FUNC.tail_call));
  assert.ok(!mapHelperCompatible('ringbuf', BPF_FUNC.map_update_elem));
  assert.ok(mapHelperCompatible('bloom_filter', BPF_FUNC.map_peek_elem));
  assert.ok(!mapHelperCompatible('bloom_filter', BPF_FUNC.map_pop_elem));
  assert.ok(!mapHelperCompatible('array', BPF_FUNC.map_lookup_percpu_elem));
  assert.ok(mapHelperCompatible('hash_of_maps', BPF_FUNC.map_lookup_elem));
  assert.ok(!mapHelperCompatible('hash_of_maps', BPF_FUNC.map_update_elem));
  assert.ok(!mapHelperCompatible('lpm_trie', BPF_FUNC.for_each_map_elem));
});

test('docs/helpers.md is generated from the current table', () => {
  const doc = readFileSync(new URL('../../docs/helpers.md', import.meta.url), 'utf8');
  assert.equal(doc, renderHelpersDoc(), 'run: node --import tsx scripts/gen-helpers-doc.ts');
});
