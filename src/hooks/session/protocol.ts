import type { SessionEvent } from './attach-session.js';

/** Environment variable that carries the child's configuration (JSON). */
export const CHILD_CONFIG_ENV = 'TSBPF_ATTACH_CONFIG';

/** What `tsbpf attach … -- COMMAND` tells the preload module in COMMAND's process. */
export interface ChildConfig {
  /** Absolute path of the object. */
  readonly object: string;
  readonly engine: 'interp' | 'jit';
  /** Verify the programs (default true: `--no-verify` opts out). */
  readonly verify: boolean;
  /** Directory uprobe paths are relative to (the CLI's working directory). */
  readonly baseDir: string;
  readonly sampleFreq?: number;
  /** Where the child writes its final report (maps and the last events) at exit. */
  readonly resultFile: string;
  /** NODE_OPTIONS as they were before tsbpf added its --import (restored for grandchildren). */
  readonly nodeOptions: string | null;
}

/** Messages from the child, over its IPC channel, as `{ tsbpf: ChildMessage }`. */
export type ChildMessage =
  | { readonly type: 'attached'; readonly program: string; readonly hook: string | null; readonly reason?: string }
  | { readonly type: 'event'; readonly event: SessionEvent }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'dumped' };

/** Messages to the child: write the report now (before the CLI stops it at --duration). */
export type ParentMessage = { readonly type: 'dump' };

/** The final report the child writes (synchronously, so that it survives exit). */
export interface ChildResult {
  /** Events that came after the last IPC message could be sent (at exit). */
  readonly events: SessionEvent[];
  /** Every map as `bpftool -j map dump` prints it. */
  readonly maps: Record<string, unknown>;
  readonly error?: string;
}
