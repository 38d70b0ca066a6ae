import type { Arena } from '../memory/arena.js';
import { systemClock, type HelperClock } from './clock.js';
import { PseudoRandom } from './random.js';
import { TracePipe } from './trace-pipe.js';
import { commBytes, currentProcessIdentity, TASK_STRUCT, TASK_STRUCT_SIZE, type TaskIdentity } from './task.js';

/**
 * The world helpers see, one per arena (VM): the trace buffer, the clocks,
 * the current task, the random generator, the NUMA node. Change its fields
 * to make runs deterministic (a ManualClock, random.seed(n)) or to report
 * another task (hooks that fire for child processes).
 */
export class HelperRuntime {
  readonly tracePipe = new TracePipe();
  clock: HelperClock = systemClock();
  readonly random = new PseudoRandom();
  numaNode = 0;
  private identity: TaskIdentity = currentProcessIdentity();
  private taskOffset = 0;

  constructor(private readonly arena: Arena) {}

  get task(): TaskIdentity {
    return this.identity;
  }

  set task(identity: TaskIdentity) {
    this.identity = identity;
    if (this.taskOffset !== 0) this.writeTask();
  }

  /** Arena pointer of tsbpf's task_struct for the current task (bpf_get_current_task). */
  taskPointer(): bigint {
    if (this.taskOffset === 0) {
      this.taskOffset = this.arena.alloc(TASK_STRUCT_SIZE);
      this.arena.addRegion(this.taskOffset, TASK_STRUCT_SIZE, 'global', 'task_struct', false);
      this.writeTask();
    }
    return this.arena.pointer(this.taskOffset);
  }

  private writeTask(): void {
    const v = this.arena.view;
    const t = this.taskOffset;
    v.setInt32(t + TASK_STRUCT.pid, this.identity.pid, true);
    v.setInt32(t + TASK_STRUCT.tgid, this.identity.tgid, true);
    v.setUint32(t + TASK_STRUCT.uid, this.identity.uid, true);
    v.setUint32(t + TASK_STRUCT.gid, this.identity.gid, true);
    this.arena.bytes.set(commBytes(this.identity.comm), t + TASK_STRUCT.comm);
    v.setBigUint64(t + TASK_STRUCT.start_time, 0n, true);
  }
}

const runtimes = new WeakMap<Arena, HelperRuntime>();

/** The helper runtime of an arena, created on first use. */
export function helperRuntime(arena: Arena): HelperRuntime {
  let r = runtimes.get(arena);
  if (!r) runtimes.set(arena, (r = new HelperRuntime(arena)));
  return r;
}
