import { defineHelper, type HelperDefinition } from './definition.js';
import { helperRuntime } from './runtime.js';
import { runCpu } from './run-context.js';
import { coarseNs, jiffies64 } from './clock.js';

// Time, CPU and randomness. Clocks come from the arena's HelperRuntime.

const ktimeGetNs = defineHelper('ktime_get_ns', [], 'RET_INTEGER', (env) => helperRuntime(env.arena).clock.monotonicNs());
const ktimeGetBootNs = defineHelper('ktime_get_boot_ns', [], 'RET_INTEGER', (env) => helperRuntime(env.arena).clock.bootNs());
const ktimeGetCoarseNs = defineHelper('ktime_get_coarse_ns', [], 'RET_INTEGER', (env) => coarseNs(helperRuntime(env.arena).clock));
const ktimeGetTaiNs = defineHelper('ktime_get_tai_ns', [], 'RET_INTEGER', (env) => helperRuntime(env.arena).clock.taiNs());
const jiffies = defineHelper('jiffies64', [], 'RET_INTEGER', (env) => jiffies64(helperRuntime(env.arena).clock));
const getPrandomU32 = defineHelper('get_prandom_u32', [], 'RET_INTEGER', (env) => BigInt(helperRuntime(env.arena).random.nextU32()));
/** The run's CPU (HelperContext.cpu, default 0). */
const getSmpProcessorId = defineHelper('get_smp_processor_id', [], 'RET_INTEGER', (env) => BigInt(runCpu(env)));
const getNumaNodeId = defineHelper('get_numa_node_id', [], 'RET_INTEGER', (env) => BigInt(helperRuntime(env.arena).numaNode));

export const SYSTEM_HELPERS: readonly HelperDefinition[] = [
  ktimeGetNs, ktimeGetBootNs, ktimeGetCoarseNs, ktimeGetTaiNs, jiffies, getPrandomU32, getSmpProcessorId, getNumaNodeId,
];
