// Socket lookups (bpf_sk_lookup_tcp/udp, bpf_skc_lookup_tcp) and
// bpf_sk_release. The VM has no sockets: every lookup finds nothing and
// answers NULL, which is the kernel's answer when no socket matches the
// tuple; the verifier still makes the program check for NULL and release
// what it acquired on every path.
import { defineHelper, type HelperDefinition } from './definition.js';
import type { ArgType, RetType } from './proto.js';
import type { HelperName } from './ids.js';

/** (ctx, tuple, tuple size, netns, flags): the tuple is only read. */
const LOOKUP_ARGS: readonly ArgType[] = ['ARG_PTR_TO_CTX', 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING', 'ARG_ANYTHING'];

function lookup(name: HelperName, ret: RetType): HelperDefinition {
  return defineHelper(name, LOOKUP_ARGS, ret, () => 0n, { acquiresRef: true });
}

/** bpf_sk_release(sk): drops the reference; always 0. */
const skRelease = defineHelper('sk_release', ['ARG_PTR_TO_BTF_ID_SOCK_COMMON'], 'RET_INTEGER', () => 0n, { releasesArg: 0 });

export const SOCK_LOOKUP_HELPERS: readonly HelperDefinition[] = [
  lookup('sk_lookup_tcp', 'RET_PTR_TO_SOCKET_OR_NULL'),
  lookup('sk_lookup_udp', 'RET_PTR_TO_SOCKET_OR_NULL'),
  lookup('skc_lookup_tcp', 'RET_PTR_TO_SOCK_COMMON_OR_NULL'),
  skRelease,
];
