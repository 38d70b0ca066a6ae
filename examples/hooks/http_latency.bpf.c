// HTTP latency histogram per route: a tracepoint program on tsbpf's Node.js
// tracepoint tracepoint/node/http_server_response. Each finished response
// adds one to the log2(microseconds) slot of its route (the URL up to '?');
// responses slower than `slow_ns` are also sent to user space through a ring buffer.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <tsbpf/node_tracepoints.h>

#define ROUTE_LEN 32
#define SLOTS 32

struct hist_key {
	char route[ROUTE_LEN];
	__u32 slot; /* log2 of the latency in microseconds */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct hist_key);
	__type(value, __u64);
} latency_hist SEC(".maps");

struct slow_event {
	__u64 duration_ns;
	__u64 req_id;
	__u16 status;
	char method[14];
	char url[64];
};

/* Puts struct slow_event in the object's BTF, so tools can print the records. */
const struct slow_event *unused_slow_event __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} slow_requests SEC(".maps");

/* Responses at least this slow go to the ring buffer (set before load: loadObject's globals). */
const volatile __u64 slow_ns = 20 * 1000 * 1000;

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0;
	for (int i = 0; i < SLOTS - 1 && v > 1; i++) {
		v >>= 1;
		r++;
	}
	return r;
}

SEC("tracepoint/node/http_server_response")
int on_response(struct tsbpf_http_server_response *ctx)
{
	struct hist_key key = {};
	char url[ROUTE_LEN];
	/* Arrays in the ctx are copied out with a helper: the verifier refuses loads through a moved ctx pointer. */
	bpf_probe_read_kernel(url, sizeof(url), ctx->url);
	for (int i = 0; i < ROUTE_LEN - 1; i++) {
		char c = url[i];
		if (c == 0 || c == '?')
			break;
		key.route[i] = c;
	}
	key.slot = log2_u64(ctx->duration_ns / 1000);

	__u64 one = 1, *count = bpf_map_lookup_elem(&latency_hist, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&latency_hist, &key, &one, BPF_NOEXIST);

	if (ctx->duration_ns >= slow_ns) {
		struct slow_event *e = bpf_ringbuf_reserve(&slow_requests, sizeof(*e), 0);
		if (e) {
			e->duration_ns = ctx->duration_ns;
			e->req_id = ctx->req_id;
			e->status = ctx->status;
			bpf_probe_read_kernel(e->method, sizeof(e->method), ctx->method);
			bpf_probe_read_kernel(e->url, sizeof(e->url), ctx->url);
			bpf_ringbuf_submit(e, 0);
		}
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
