// Latency of a JavaScript function, by SQL verb: a uprobe and a uretprobe on
// the export `query` of examples/hooks/apps/lib/db.mjs (an ES module; tsbpf's
// ESM loader makes it probe-able). The entry reads the statement
// (PT_REGS_PARM1: a pointer to the string in user memory) and remembers its
// verb under the call's entry time; the return, fired when query()'s promise
// settles, adds the call's latency and whether it failed.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <tsbpf/uprobe.h>

#define VERB_LEN 8

struct verb_key {
	char verb[VERB_LEN];
};

struct query_stats {
	__u64 calls;
	__u64 errors;
	__u64 total_ns;
	__u64 max_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct verb_key);
	__type(value, struct query_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64); /* the call's entry_ns */
	__type(value, struct verb_key);
} inflight SEC(".maps");

SEC("uprobe/./examples/hooks/apps/lib/db.mjs:query")
int BPF_KPROBE(on_query, const char *sql)
{
	struct verb_key key = {};
	char text[VERB_LEN] = {};
	bpf_probe_read_user_str(text, sizeof(text), sql);
	for (int i = 0; i < VERB_LEN - 1; i++) {
		if (text[i] == ' ' || text[i] == 0)
			break;
		key.verb[i] = text[i];
	}
	__u64 id = TSBPF_UPROBE_CTX(ctx)->entry_ns;
	bpf_map_update_elem(&inflight, &id, &key, BPF_ANY);
	return 0;
}

SEC("uretprobe/./examples/hooks/apps/lib/db.mjs:query")
int on_query_return(struct pt_regs *ctx)
{
	struct tsbpf_uprobe_ctx *call = TSBPF_UPROBE_CTX(ctx);
	__u64 id = call->entry_ns;
	struct verb_key *key = bpf_map_lookup_elem(&inflight, &id);
	if (!key)
		return 0;
	struct query_stats zero = {}, *s = bpf_map_lookup_elem(&stats, key);
	if (!s) {
		bpf_map_update_elem(&stats, key, &zero, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&stats, key);
		if (!s)
			return 0;
	}
	__u64 ns = call->latency_ns;
	__sync_fetch_and_add(&s->calls, 1);
	__sync_fetch_and_add(&s->total_ns, ns);
	if (call->flags & TSBPF_UPROBE_F_THREW)
		__sync_fetch_and_add(&s->errors, 1);
	if (ns > s->max_ns)
		s->max_ns = ns;
	bpf_map_delete_elem(&inflight, &id);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
