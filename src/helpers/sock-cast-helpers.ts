// Socket casts: bpf_sk_fullsock, bpf_tcp_sock and bpf_get_listener_sock
// turn a socket into the full socket, its TCP fields or its listener, or
// NULL when it has none. The VM has no sockets (lookups answer NULL and
// skb->sk is NULL), so the verifier's NULL checks keep these from ever
// running with a socket; their answer is NULL, the kernel's for a socket
// that is not a full, TCP or listening one.
import { defineHelper, type HelperDefinition } from './definition.js';
import type { RetType } from './proto.js';
import type { HelperName } from './ids.js';

function cast(name: HelperName, ret: RetType): HelperDefinition {
  return defineHelper(name, ['ARG_PTR_TO_SOCK_COMMON'], ret, () => 0n);
}

export const SOCK_CAST_HELPERS: readonly HelperDefinition[] = [
  cast('sk_fullsock', 'RET_PTR_TO_SOCKET_OR_NULL'),
  cast('tcp_sock', 'RET_PTR_TO_TCP_SOCK_OR_NULL'),
  cast('get_listener_sock', 'RET_PTR_TO_SOCKET_OR_NULL'),
];
