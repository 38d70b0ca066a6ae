import { defineHelper, type HelperDefinition } from './definition.js';
import { helperRuntime } from './runtime.js';
import { guestRange } from './guest-memory.js';
import { commBytes } from './task.js';
import { u32 } from './args.js';

// The current task in user space: by default the Node.js process running
// tsbpf (HelperRuntime.task; hooks may report another one).

/** bpf_get_current_pid_tgid(): tgid << 32 | pid (process id << 32 | thread id). */
const getCurrentPidTgid = defineHelper('get_current_pid_tgid', [], 'RET_INTEGER', (env) => {
  const t = helperRuntime(env.arena).task;
  return (BigInt(t.tgid >>> 0) << 32n) | BigInt(t.pid >>> 0);
});

/** bpf_get_current_uid_gid(): gid << 32 | uid of the process. */
const getCurrentUidGid = defineHelper('get_current_uid_gid', [], 'RET_INTEGER', (env) => {
  const t = helperRuntime(env.arena).task;
  return (BigInt(t.gid >>> 0) << 32n) | BigInt(t.uid >>> 0);
});

/** bpf_get_current_comm(buf, size): the task name, NUL-terminated and NUL-padded (strscpy_pad). */
const getCurrentComm = defineHelper('get_current_comm', ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE'], 'RET_INTEGER', (env, r1, r2) => {
  const size = u32(r2);
  if (size === 0) return 0n;
  const dst = guestRange(env, r1, size, true);
  const comm = commBytes(helperRuntime(env.arena).task.comm);
  const bytes = env.arena.bytes;
  bytes.fill(0, dst, dst + size);
  bytes.set(comm.subarray(0, Math.min(size - 1, comm.indexOf(0) < 0 ? comm.length : comm.indexOf(0))), dst);
  return 0n;
}, { retErrnoOnly: true });

/** bpf_get_current_task(): pointer to tsbpf's task_struct (read-only; layout in task.ts). */
const getCurrentTask = defineHelper('get_current_task', [], 'RET_INTEGER', (env) => helperRuntime(env.arena).taskPointer(), { gplOnly: true });

export const TASK_HELPERS: readonly HelperDefinition[] = [getCurrentPidTgid, getCurrentUidGid, getCurrentComm, getCurrentTask];
