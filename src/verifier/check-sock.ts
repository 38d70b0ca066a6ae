// Reads through socket pointers (check_sock_access): the struct bpf_sock
// fields each socket pointer type exposes, as filter.c's
// bpf_sock_is_valid_access and bpf_sock_common_is_valid_access allow them.
import type { VerifierEnv } from './env.js';
import { RegType, regTypeStr } from './reg-type.js';

/** Offsets in struct bpf_sock (uapi). */
const BPF_SOCK = {
  bound_dev_if: 0, family: 4, type: 8, protocol: 12, mark: 16, priority: 20, src_ip4: 24, src_ip6: 28,
  src_port: 44, dst_port: 48, dst_ip4: 52, dst_ip6: 56, state: 72, rx_queue_mapping: 76,
} as const;
const BPF_SOCK_SIZE = 80;
const U32 = 4;

/** type_is_sk_pointer: exact types, so the _or_null forms are refused as invalid mem access. */
export function typeIsSkPointer(t: number): boolean {
  return t === RegType.PTR_TO_SOCKET || t === RegType.PTR_TO_SOCK_COMMON || t === RegType.PTR_TO_TCP_SOCK ||
    t === RegType.PTR_TO_XDP_SOCK;
}

/** bpf_ctx_narrow_access_ok */
const narrowOk = (size: number, fieldSize: number): boolean => size <= fieldSize && (size & (size - 1)) === 0;
const inRange = (off: number, start: number, end: number): boolean => off >= start && off < end;

/** bpf_sock_is_valid_access */
function sockValidAccess(off: number, size: number): boolean {
  if (off < 0 || off >= BPF_SOCK_SIZE || off % size !== 0) return false;
  const S = BPF_SOCK;
  if (off === S.state || off === S.family || off === S.type || off === S.protocol || off === S.src_port ||
    off === S.rx_queue_mapping || inRange(off, S.src_ip4, S.src_ip4 + 4) || inRange(off, S.src_ip6, S.src_ip6 + 16) ||
    inRange(off, S.dst_ip4, S.dst_ip4 + 4) || inRange(off, S.dst_ip6, S.dst_ip6 + 16)) {
    return narrowOk(size, U32);
  }
  // dst_port is a 16-bit field (a 4-byte read also covers the zero padding after it).
  if (inRange(off, S.dst_port, S.dst_port + 2)) return narrowOk(size, size === U32 ? U32 : 2);
  if (inRange(off, S.dst_port + 2, S.dst_ip4)) return false;
  return size === U32;
}

/** bpf_sock_common_is_valid_access: a request or timewait socket has no type..priority. */
function sockCommonValidAccess(off: number, size: number): boolean {
  if (inRange(off, BPF_SOCK.type, BPF_SOCK.priority + 4)) return false;
  return sockValidAccess(off, size);
}

/** Offsets in struct bpf_tcp_sock of its two 64-bit fields, and its end (offsetofend icsk_retransmits). */
const TCP_SOCK_BYTES_RECEIVED = 80;
const TCP_SOCK_BYTES_ACKED = 88;
const TCP_SOCK_END = 112;

/** bpf_tcp_sock_is_valid_access: whole fields only. */
function tcpSockValidAccess(off: number, size: number): boolean {
  if (off < 0 || off >= TCP_SOCK_END || off % size !== 0) return false;
  if (off === TCP_SOCK_BYTES_RECEIVED || off === TCP_SOCK_BYTES_ACKED) return size === 8;
  return size === U32;
}

/** check_sock_access: a load of `size` bytes at `off` from the socket in regno. */
export function checkSockAccess(env: VerifierEnv, regno: number, off: number, size: number): void {
  const reg = env.cur.regs[regno];
  if (reg.sminHi < 0) {
    env.fail(`R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
  }
  let valid = false;
  if (reg.type === RegType.PTR_TO_SOCK_COMMON) valid = sockCommonValidAccess(off, size);
  else if (reg.type === RegType.PTR_TO_SOCKET) valid = sockValidAccess(off, size);
  else if (reg.type === RegType.PTR_TO_TCP_SOCK) valid = tcpSockValidAccess(off, size);
  if (!valid) env.fail(`R${regno} invalid ${regTypeStr(reg.type)} access off=${off} size=${size}`);
}
