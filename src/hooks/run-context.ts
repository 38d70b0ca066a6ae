/**
 * What a hook tells a program run about the attachment that fired, for the
 * helpers that read it in the kernel from the task's bpf_run_ctx:
 * bpf_get_attach_cookie() (the link's cookie) and bpf_get_func_ip() (the
 * probed function's address). Programs put them on the run's HelperContext
 * as `attachCookie` and `funcIp` (src/helpers/run-context.ts).
 */
export interface HookRunInfo {
  /** The hook's name, e.g. `uprobe/./lib/db.js:query`. */
  readonly hook: string;
  /** BPF_LINK_CREATE's cookie for this link (0 by default). */
  readonly cookie: bigint;
  /** The probed function's "address" (a stable id per probed function), 0 where none. */
  readonly funcIp: bigint;
}
