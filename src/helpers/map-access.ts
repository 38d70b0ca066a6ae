import type { HelperContext } from '../engine/abi.js';
import { mapRegistry } from '../maps/registry.js';
import type { BpfMap } from '../maps/bpf-map.js';
import { HelperError } from './errors.js';
import { runCpu } from './run-context.js';

/** The map behind a CONST_PTR_TO_MAP argument; stops the run when there is none. */
export function mapArg(env: HelperContext, pointer: bigint, helper: string): BpfMap {
  const map = mapRegistry(env.arena).fromPointer(BigInt.asUintN(64, pointer));
  if (!map) throw new HelperError(env.pc, helper, `0x${BigInt.asUintN(64, pointer).toString(16)} is not a map pointer`);
  return map;
}

/** A map argument that must be of class `cls`. */
export function typedMapArg<T extends BpfMap>(env: HelperContext, pointer: bigint, helper: string, cls: abstract new (...args: never[]) => T): T {
  const map = mapArg(env, pointer, helper);
  if (!(map instanceof cls)) throw new HelperError(env.pc, helper, `map ${map.name} is a ${map.type} map, which this helper does not take`);
  return map;
}

/** The run's CPU, checked against a per-CPU map's CPU count. */
export function mapCpu(env: HelperContext, map: BpfMap, helper: string): number {
  const cpu = runCpu(env);
  if (map.perCpu && (cpu < 0 || cpu >= map.nCpus)) throw new HelperError(env.pc, helper, `the run is on CPU ${cpu}, map ${map.name} has ${map.nCpus} CPUs`);
  return cpu;
}
