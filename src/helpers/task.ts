// What "current task" means in user space: the Node.js process (or the task
// a hook reports, e.g. a child process), and tsbpf's task struct in the arena.

/** TASK_COMM_LEN. */
export const TASK_COMM_LEN = 16;

export interface TaskIdentity {
  /** Thread id (the kernel's pid): the Node.js process id for its main thread. */
  readonly pid: number;
  /** Process id (the kernel's tgid): process.pid. */
  readonly tgid: number;
  readonly uid: number;
  readonly gid: number;
  /** Task name, at most 15 bytes kept (TASK_COMM_LEN - 1): process.title, e.g. `node`. */
  readonly comm: string;
}

/** The identity of this Node.js process (pid, uid, gid from `process`; comm from process.title, see commOf). */
export function currentProcessIdentity(): TaskIdentity {
  const p = (globalThis as {
    process?: { pid?: number; title?: string; argv0?: string; getuid?: () => number; getgid?: () => number };
  }).process;
  const pid = p?.pid ?? 1;
  return { pid, tgid: pid, uid: p?.getuid?.() ?? 0, gid: p?.getgid?.() ?? 0, comm: p?.title === undefined ? 'tsbpf' : commOf(p.title, p.argv0) };
}

/**
 * The kernel's comm for a process title: at exec the kernel names the task
 * after the executable's basename (`node`, not `/usr/bin/node`), and
 * process.title starts as argv[0]; a title the program sets later is what
 * Node gives the kernel (prctl PR_SET_NAME), as it is. commBytes() keeps
 * the first 15 bytes.
 */
export function commOf(title: string, argv0?: string): string {
  if (argv0 !== undefined && title !== argv0) return title;
  const slash = title.lastIndexOf('/');
  return slash >= 0 && slash < title.length - 1 ? title.slice(slash + 1) : title;
}

/**
 * tsbpf's `struct task_struct`, what bpf_get_current_task() points to (a
 * read-only region): the fields BPF tools read most, at these offsets. CO-RE
 * relocations against tsbpf's own BTF resolve to this layout.
 *   struct task_struct { s32 pid; s32 tgid; u32 uid; u32 gid; char comm[16]; u64 start_time; };
 */
export const TASK_STRUCT = { pid: 0, tgid: 4, uid: 8, gid: 12, comm: 16, start_time: 32 } as const;
export const TASK_STRUCT_SIZE = 40;

/** comm as the kernel keeps it: up to 15 bytes of UTF-8, NUL-padded to 16. */
export function commBytes(comm: string): Uint8Array {
  const out = new Uint8Array(TASK_COMM_LEN);
  out.set(new TextEncoder().encode(comm).subarray(0, TASK_COMM_LEN - 1));
  return out;
}
