// Counts openat() system calls by process name (comm), the classic
// syscall counter: attached in the kernel to the syscalls:sys_enter_openat
// tracepoint by count.ts (and, unchanged, usable on tsbpf's own syscall
// tracepoints in the VM).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TASK_COMM_LEN 16

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, char[TASK_COMM_LEN]);
	__type(value, __u64);
} counts SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int count_openat(void *ctx)
{
	char comm[TASK_COMM_LEN] = {};
	__u64 one = 1, *n;

	bpf_get_current_comm(comm, sizeof(comm));
	n = bpf_map_lookup_elem(&counts, comm);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&counts, comm, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
