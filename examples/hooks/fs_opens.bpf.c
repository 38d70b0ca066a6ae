// Counting file opens by process name and path: the kernel's classic
// syscall-counting program, unchanged, on tsbpf's syscall tracepoints
// (fed by Node.js's own fs binding): sys_enter_openat counts each open by
// (comm, path); sys_exit_openat counts failures by errno.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <tsbpf/syscalls.h>

#define PATH_LEN 96

struct open_key {
	char comm[16];
	char path[PATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct open_key);
	__type(value, __u64);
} opens SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __s32); /* -errno */
	__type(value, __u64);
} open_errors SEC(".maps");

static __always_inline void bump(void *map, const void *key)
{
	__u64 one = 1, *n = bpf_map_lookup_elem(map, key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(map, key, &one, BPF_NOEXIST);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int count_opens(struct trace_event_raw_sys_enter *ctx)
{
	struct open_key key = {};
	bpf_get_current_comm(&key.comm, sizeof(key.comm));
	bpf_probe_read_user_str(&key.path, sizeof(key.path), (const char *)ctx->args[1]);
	bump(&opens, &key);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int count_failures(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret < 0) {
		__s32 err = ctx->ret;
		bump(&open_errors, &err);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
