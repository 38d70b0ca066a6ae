import { contextAt } from '../progtypes/context-registry.js';
import { XdpBuff } from '../progtypes/xdp-buff.js';
import { XDP_ACTION } from '../progtypes/xdp-md.js';
import { RedirectTargetMap } from '../maps/redirect-target-map.js';
import { BPF_F_BROADCAST, BPF_F_EXCLUDE_INGRESS } from '../uapi/flags.js';
import { defineHelper, type HelperDefinition } from './definition.js';
import { pointerOffset } from './guest-memory.js';
import { mapArg } from './map-access.js';
import { HelperError } from './errors.js';
import { u32, u64 } from './args.js';

/** The low bits of flags: the action bpf_redirect_map() returns when the key has no target. */
const ACTION_MASK = BigInt(XDP_ACTION.XDP_ABORTED | XDP_ACTION.XDP_DROP | XDP_ACTION.XDP_PASS | XDP_ACTION.XDP_TX);

/**
 * bpf_redirect_map(map, key, flags), __bpf_xdp_redirect_map(): XDP_REDIRECT
 * when the devmap, devmap_hash, cpumap or xskmap has an entry for `key`,
 * else the fallback action in the low bits of flags; XDP_ABORTED for other
 * flags (devmaps also take BPF_F_BROADCAST, which redirects to every entry,
 * and BPF_F_EXCLUDE_INGRESS). A devmap target's ifindex is kept on the
 * run's context like bpf_redirect()'s; the VM forwards nothing itself.
 */
const redirectMap = defineHelper('redirect_map', ['ARG_CONST_MAP_PTR', 'ARG_ANYTHING', 'ARG_ANYTHING'], 'RET_INTEGER', (env, r1, r2, r3) => {
  const map = mapArg(env, r1, 'bpf_redirect_map');
  const context = contextAt(env.arena, pointerOffset(env.arena, env.ctx));
  if (!(context instanceof XdpBuff)) throw new HelperError(env.pc, 'bpf_redirect_map', 'the run has no XDP context');
  if (!(map instanceof RedirectTargetMap)) throw new HelperError(env.pc, 'bpf_redirect_map', `map ${map.name} is a ${map.type}`);
  const flags = u64(r3);
  const devmap = map.type === 'devmap' || map.type === 'devmap_hash';
  const allowed = ACTION_MASK | (devmap ? BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS : 0n);
  if ((flags & ~allowed) !== 0n) return BigInt(XDP_ACTION.XDP_ABORTED);
  const key = u32(r2);
  const broadcast = devmap && (flags & BPF_F_BROADCAST) !== 0n;
  if (!map.hasTarget(key) && !broadcast) return flags & ACTION_MASK;
  if (devmap && !broadcast) context.redirect = { ifindex: map.targetIfindex(key), flags };
  return BigInt(XDP_ACTION.XDP_REDIRECT);
});

export const REDIRECT_MAP_HELPERS: readonly HelperDefinition[] = [redirectMap];
