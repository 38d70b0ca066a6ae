// Event-loop lag of a Node.js process, sampled by a tsbpf timer
// (SEC("perf_event"), 99 Hz by default, --sample-freq to change it): each
// sample adds one to the log2(microseconds) slot of how late the loop ran
// it, and remembers the largest heap seen.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <tsbpf/perf_event.h>

#define SLOTS 32

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} lag_hist SEC(".maps");

__u64 max_heap_used = 0;
__u64 samples = 0;

SEC("perf_event")
int sample(struct tsbpf_perf_event *ctx)
{
	__u64 us = ctx->loop_lag_ns / 1000;
	__u32 slot = 0;
	for (int i = 0; i < SLOTS - 1 && us > 1; i++) {
		us >>= 1;
		slot++;
	}
	__u64 *n = bpf_map_lookup_elem(&lag_hist, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
	if (ctx->heap_used > max_heap_used)
		max_heap_used = ctx->heap_used;
	__sync_fetch_and_add(&samples, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
