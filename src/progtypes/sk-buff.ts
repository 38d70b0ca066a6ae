// struct __sk_buff of include/uapi/linux/bpf.h: byte offsets of its fields.

export const SK_BUFF = {
  len: 0,
  pkt_type: 4,
  mark: 8,
  queue_mapping: 12,
  protocol: 16,
  vlan_present: 20,
  vlan_tci: 24,
  vlan_proto: 28,
  priority: 32,
  ingress_ifindex: 36,
  ifindex: 40,
  tc_index: 44,
  /** __u32 cb[5] */
  cb: 48,
  hash: 68,
  tc_classid: 72,
  data: 76,
  data_end: 80,
  napi_id: 84,
  family: 88,
  remote_ip4: 92,
  local_ip4: 96,
  /** __u32 remote_ip6[4] */
  remote_ip6: 100,
  /** __u32 local_ip6[4] */
  local_ip6: 116,
  remote_port: 132,
  local_port: 136,
  data_meta: 140,
  /** __bpf_md_ptr(struct bpf_flow_keys *, flow_keys): 8 bytes */
  flow_keys: 144,
  /** __u64 */
  tstamp: 152,
  wire_len: 160,
  gso_segs: 164,
  /** __bpf_md_ptr(struct bpf_sock *, sk): 8 bytes */
  sk: 168,
  gso_size: 176,
  /** __u8, then 24 bits of padding */
  tstamp_type: 180,
  /** __u64 */
  hwtstamp: 184,
} as const;

export const SK_BUFF_SIZE = 192;
/** QDISC_CB_PRIV_LEN: the bytes of cb[] a test run carries in and out. */
export const SK_BUFF_CB_SIZE = 20;

/** NET_SKB_PAD + NET_IP_ALIGN on x86_64: headroom of a test-run skb. */
export const SKB_TEST_HEADROOM = 64;

/** skb->pkt_type values (PACKET_HOST...). */
export const PACKET_HOST = 0;
export const PACKET_BROADCAST = 1;
export const PACKET_MULTICAST = 2;
export const PACKET_OTHERHOST = 3;

/**
 * The __sk_buff fields the kernel's skb keeps narrower than their 4 bytes
 * here: field offset → bytes in the skb. convert_ctx_access loads and
 * stores them at that width (narrow-ctx-loads.ts, narrow-ctx-stores.ts).
 */
export const SKB_NARROW_FIELD_BYTES: ReadonlyMap<number, number> = new Map([
  [SK_BUFF.pkt_type, 1], [SK_BUFF.queue_mapping, 2], [SK_BUFF.protocol, 2], [SK_BUFF.vlan_tci, 2],
  [SK_BUFF.vlan_proto, 2], [SK_BUFF.tc_index, 2], [SK_BUFF.tc_classid, 2], [SK_BUFF.gso_segs, 2], [SK_BUFF.gso_size, 2],
]);
