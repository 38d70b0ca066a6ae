// SPDX-License-Identifier: GPL-2.0
/* Benchmark: per-flow counters, a map update per packet. Each IPv4/IPv6
 * TCP/UDP packet looks its 5-tuple up in a hash map, and writes the flow's
 * counters back with bpf_map_update_elem (a new element for a new flow, a
 * replacement for a known one, as the kernel's htab does for BPF_ANY); a
 * per-CPU array counts packets per L4 protocol in place. */
#include "packet.h"

struct flow_key {
	__u8 saddr[16]; /* IPv4 in the first 4 bytes */
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u8 l4_proto;
	__u8 pad[3];
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
	__u32 first_len;
	__u32 last_len;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} per_proto SEC(".maps");

SEC("xdp")
int count_flows(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 len = data_end - data;
	struct flow f = {};
	struct flow_key key = {};
	struct flow_stats next = {};
	struct flow_stats *seen;
	__u32 proto;
	__u64 *count;

	if (parse_flow(data, data_end, &f) < 0)
		return XDP_PASS;
	proto = f.l4_proto;
	count = bpf_map_lookup_elem(&per_proto, &proto);
	if (count)
		*count += 1;
	if (f.l4_proto != IPPROTO_TCP && f.l4_proto != IPPROTO_UDP)
		return XDP_PASS;
	if (f.l3_proto == ETH_P_IP) {
		__builtin_memcpy(key.saddr, &f.saddr4, 4);
		__builtin_memcpy(key.daddr, &f.daddr4, 4);
	} else {
		__builtin_memcpy(key.saddr, f.saddr6, 16);
		__builtin_memcpy(key.daddr, f.daddr6, 16);
	}
	key.sport = f.sport;
	key.dport = f.dport;
	key.l4_proto = f.l4_proto;

	seen = bpf_map_lookup_elem(&flows, &key);
	if (seen)
		next = *seen;
	else
		next.first_len = len;
	next.packets += 1;
	next.bytes += len;
	next.last_len = len;
	if (bpf_map_update_elem(&flows, &key, &next, BPF_ANY))
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
