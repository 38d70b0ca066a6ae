/**
 * What the program running right now was attached with, for the helpers
 * that read it in the kernel from the task's bpf_run_ctx:
 * bpf_get_attach_cookie() (the link's cookie) and bpf_get_func_ip() (the
 * probed function's address). Hooks set it around each run; it is null
 * between runs.
 */
export interface HookRunInfo {
  /** The hook's name, e.g. `uprobe/./lib/db.js:query`. */
  readonly hook: string;
  /** BPF_LINK_CREATE's cookie for this link (0 by default). */
  readonly cookie: bigint;
  /** The probed function's "address" (a stable id per probed function), 0 where none. */
  readonly funcIp: bigint;
}

let current: HookRunInfo | null = null;

/** The run in progress, or null outside hook runs. */
export function currentHookRun(): HookRunInfo | null {
  return current;
}

/** Sets the current run info for the duration of `fn` (restored after, so nested runs work). */
export function withHookRun<T>(info: HookRunInfo, fn: () => T): T {
  const outer = current;
  current = info;
  try {
    return fn();
  } finally {
    current = outer;
  }
}
