// A user-space connection firewall: XDP programs on the interfaces of
// tsbpf's loopback proxies (TcpProxy, UdpProxy).
//  - tcp_firewall drops the SYN of connections from blocked source
//    addresses (the `blocked` map, filled from TypeScript) and counts verdicts.
//  - udp_token passes only datagrams whose payload starts with the 4-byte
//    token "TOK:", strips the token (moving the headers up, then
//    bpf_xdp_adjust_head) and a trailing "\n" (bpf_xdp_adjust_tail).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* IPv4 source address, network order */
	__type(value, __u8);
} blocked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 5);
	__type(key, __u32); /* enum xdp_action */
	__type(value, __u64);
} verdicts SEC(".maps");

static __always_inline int count(__u32 action)
{
	__u64 *n = bpf_map_lookup_elem(&verdicts, &action);
	if (n)
		__sync_fetch_and_add(n, 1);
	return action;
}

SEC("xdp")
int tcp_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return count(XDP_PASS);
	if (ip->protocol != IPPROTO_TCP)
		return count(XDP_PASS);
	struct tcphdr *tcp = (void *)ip + ip->ihl * 4;
	if ((void *)(tcp + 1) > data_end)
		return count(XDP_PASS);
	if (tcp->syn && !tcp->ack && bpf_map_lookup_elem(&blocked, &ip->saddr))
		return count(XDP_DROP);
	return count(XDP_PASS);
}

#define HDRS (sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct udphdr))
#define TOKEN_LEN 4

SEC("xdp")
int udp_token(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp = (void *)(ip + 1);
	char *payload = (void *)(udp + 1);
	if (payload + TOKEN_LEN > (char *)data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return count(XDP_PASS);
	if (payload[0] != 'T' || payload[1] != 'O' || payload[2] != 'K' || payload[3] != ':')
		return count(XDP_DROP);

	/* Move the headers TOKEN_LEN bytes up over the token, then drop the front. */
	char hdrs[HDRS];
	__builtin_memcpy(hdrs, data, HDRS);
	__builtin_memcpy(data + TOKEN_LEN, hdrs, HDRS);
	if (bpf_xdp_adjust_head(ctx, TOKEN_LEN))
		return count(XDP_ABORTED);

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	ip = data + sizeof(struct ethhdr);
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return count(XDP_ABORTED);
	ip->tot_len = bpf_htons(bpf_ntohs(ip->tot_len) - TOKEN_LEN);
	udp->len = bpf_htons(bpf_ntohs(udp->len) - TOKEN_LEN);
	udp->check = 0;

	/* A trailing newline goes too (found through the UDP length: no arithmetic on data_end). */
	__u32 plen = bpf_ntohs(udp->len) - sizeof(struct udphdr);
	if (plen >= 1 && plen <= 1400) {
		char *last = (char *)(udp + 1) + plen - 1;
		if ((void *)(last + 1) <= data_end && *last == '\n' && bpf_xdp_adjust_tail(ctx, -1))
			return count(XDP_ABORTED);
	}
	return count(XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
