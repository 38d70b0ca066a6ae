import { BpfMap } from '../maps/bpf-map.js';
import { HookError } from './errors.js';

/** A map of a loaded object (src/object's ObjectMap), as far as hooks look at it. */
export interface LiveMapLike {
  readonly name: string;
  /** The VM map behind it; null on the kernel backend. */
  readonly vmMap: BpfMap | null;
}

/** The VM map behind a map given to the event streams: a BpfMap as it is, or a loaded object's map. */
export function vmMapOf(map: BpfMap | LiveMapLike): BpfMap {
  if (map instanceof BpfMap) return map;
  if (map.vmMap === null) throw new HookError(`map ${map.name} lives in the kernel: read it through the kernel backend`);
  return map.vmMap;
}
