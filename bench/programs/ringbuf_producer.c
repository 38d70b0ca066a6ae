// SPDX-License-Identifier: GPL-2.0
/* Benchmark: a ring-buffer producer, one record reserved, filled and
 * submitted per packet (the flow's addresses, ports, protocol and length);
 * a record that does not fit is counted instead. */
#include "packet.h"

struct packet_event {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u16 l3_proto;
	__u8 l4_proto;
	__u8 tcp_flags;
	__u32 len;
	__u32 l4_offset;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} packet_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost_events SEC(".maps");

SEC("xdp")
int produce_events(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct flow f = {};
	struct packet_event *e;

	if (parse_flow(data, data_end, &f) < 0)
		return XDP_PASS;
	e = bpf_ringbuf_reserve(&packet_events, sizeof(*e), 0);
	if (!e) {
		__u32 zero = 0;
		__u64 *n = bpf_map_lookup_elem(&lost_events, &zero);

		if (n)
			__sync_fetch_and_add(n, 1);
		return XDP_PASS;
	}
	if (f.l3_proto == ETH_P_IP) {
		__builtin_memset(e->saddr, 0, sizeof(e->saddr));
		__builtin_memset(e->daddr, 0, sizeof(e->daddr));
		__builtin_memcpy(e->saddr, &f.saddr4, 4);
		__builtin_memcpy(e->daddr, &f.daddr4, 4);
	} else {
		__builtin_memcpy(e->saddr, f.saddr6, 16);
		__builtin_memcpy(e->daddr, f.daddr6, 16);
	}
	e->sport = f.sport;
	e->dport = f.dport;
	e->l3_proto = f.l3_proto;
	e->l4_proto = f.l4_proto;
	e->tcp_flags = f.tcp_flags;
	e->len = data_end - data;
	e->l4_offset = f.l4_offset;
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
