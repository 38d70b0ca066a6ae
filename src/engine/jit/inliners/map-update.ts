import { BPF_FUNC } from '../../../helpers/ids.js';
import type { BpfMap } from '../../../maps/bpf-map.js';
import type { MapRegistry } from '../../../maps/registry.js';
import type { HelperInliner, InlineSite } from '../inline.js';
import { Op } from '../wasm-opcodes.js';
import { withCpuGuard } from './cpu-guard.js';
import { knownMap, pushOffset, setErrno } from './known-map.js';

const updateFunctions = new WeakMap<BpfMap, (key: number, value: number, flags: number, cpu: number) => number>();
const deleteFunctions = new WeakMap<BpfMap, (key: number) => number>();

function updateFunction(map: BpfMap): (key: number, value: number, flags: number, cpu: number) => number {
  let fn = updateFunctions.get(map);
  if (!fn) updateFunctions.set(map, (fn = (key, value, flags, cpu) => map.updateElem(key >>> 0, value >>> 0, flags >>> 0, cpu)));
  return fn;
}

function deleteFunction(map: BpfMap): (key: number) => number {
  let fn = deleteFunctions.get(map);
  if (!fn) deleteFunctions.set(map, (fn = (key) => map.deleteElem(key >>> 0)));
  return fn;
}

/** Pushes the helper's map flags (src/helpers/args.ts mapFlags): r4's low 32 bits, or 0xffffffff when r4 needs more. */
function pushMapFlags(site: InlineSite): void {
  const e = site.emitter;
  const w = e.w;
  e.get(4);
  w.u8(Op.i32_wrap_i64);
  e.i32(-1);
  e.get(4);
  e.i64(0xffffffff);
  w.u8(Op.i64_le_u);
  w.u8(Op.select);
}

/**
 * bpf_map_update_elem on a known map (see knownMap) as a host call to its
 * updateElem with the key's and value's offsets, the flags and the run's
 * CPU: what the helper does after checking its arguments. Maps programs may
 * not change (BPF_F_RDONLY_PROG: -EPERM) keep the helper call.
 */
export function mapUpdateInliner(registry: MapRegistry): HelperInliner {
  return (site: InlineSite): boolean => {
    const map = knownMap(site, registry);
    if (!map || !map.programWritable) return false;
    withCpuGuard(site, map.perCpu ? map.nCpus : 0, () => {
      site.emitHostCall(updateFunction(map), [() => pushOffset(site, 2), () => pushOffset(site, 3), () => pushMapFlags(site), () => site.emitRunCpu()]);
      setErrno(site);
    });
    return true;
  };
}

/** bpf_map_delete_elem on a known map as a host call to its deleteElem. */
export function mapDeleteInliner(registry: MapRegistry): HelperInliner {
  return (site: InlineSite): boolean => {
    const map = knownMap(site, registry);
    if (!map || !map.programWritable) return false;
    site.emitHostCall(deleteFunction(map), [() => pushOffset(site, 2)]);
    setErrno(site);
    return true;
  };
}

export const MAP_UPDATE_ELEM = BPF_FUNC.map_update_elem;
export const MAP_DELETE_ELEM = BPF_FUNC.map_delete_elem;
