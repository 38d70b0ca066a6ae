import type { HookProgram } from './program.js';
import type { HookRunInfo } from './run-context.js';

/** Run statistics of one link (the kernel's run_cnt / run_time_ns, plus faults). */
export interface LinkStats {
  /** Times the program ran through this link. */
  readonly runCount: number;
  /** Nanoseconds spent in the program (0 unless hook stats are enabled: enableHookStats()). */
  readonly runTimeNs: number;
  /** Runs that ended in an error (a memory fault, a budget overrun); the host carried on. */
  readonly errorCount: number;
  /** The last such error. */
  readonly lastError: Error | null;
  /** r0 of the last successful run, as a u64 (what the hook did with it depends on the hook). */
  readonly lastRetval: bigint;
}

export type LinkErrorListener = (error: Error, link: Link) => void;

/**
 * A program attached to a hook (the kernel's bpf_link). `detach()` removes
 * it; when the last program leaves a hook, the hook removes everything it
 * installed (channel subscribers, function wrappers, timers, arena buffers).
 */
export class Link {
  private _attached = true;
  private runs = 0;
  private timeNs = 0;
  private errors = 0;
  private last: Error | null = null;
  /** r0 of the last successful run, as a u64: kept in a typed array, so that a run stores no BigInt into the link (a write barrier per run). */
  private readonly retval = new BigUint64Array(1);
  private readonly errorListeners = new Set<LinkErrorListener>();
  private warned = false;
  /** @internal Runs the program once through this link with r1 = ctx (HookProgram.bind, or run()). */
  readonly runner: (ctx: bigint) => bigint;

  /** @internal Created by hooks; use attach() or program.attach(). */
  constructor(
    /** The hook's name, e.g. `tracepoint/node/http_server_request`. */
    readonly hook: string,
    readonly program: HookProgram,
    /** The cookie bpf_get_attach_cookie() returns in runs through this link. */
    readonly cookie: bigint,
    private readonly release: (link: Link) => void,
    /** The probed function's id (bpf_get_func_ip()), 0 where none. */
    funcIp = 0n,
  ) {
    // What runs through this link tell the helpers, made once, not per run.
    const info: HookRunInfo = { hook, cookie, funcIp };
    this.runner = program.bind?.(info) ?? ((ctx) => program.run(ctx, info));
  }

  get attached(): boolean {
    return this._attached;
  }

  get stats(): LinkStats {
    return { runCount: this.runs, runTimeNs: this.timeNs, errorCount: this.errors, lastError: this.last, lastRetval: this.retval[0] };
  }

  /** Detaches the program; a second call does nothing. */
  detach(): void {
    if (!this._attached) return;
    this._attached = false;
    this.release(this);
  }

  /** Calls `listener` for every run that fails; returns a function that removes it. */
  onError(listener: LinkErrorListener): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** @internal */
  recordRun(ns: number, r0: bigint): void {
    this.runs++;
    this.retval[0] = r0;
    this.timeNs += ns;
  }

  /**
   * @internal A failed run: counted and passed to the listeners; without
   * listeners, one process warning per link. Never thrown into the host.
   */
  recordError(error: Error): void {
    this.errors++;
    this.last = error;
    if (this.errorListeners.size > 0) {
      for (const l of this.errorListeners) {
        try { l(error, this); } catch { /* a listener's fault must not reach the host either */ }
      }
    } else if (!this.warned) {
      this.warned = true;
      process.emitWarning(`program ${this.program.name} on ${this.hook} failed: ${error.message} (further failures are counted in link.stats)`, 'TsbpfHookWarning');
    }
  }

  toString(): string {
    return `link ${this.program.name} -> ${this.hook}${this._attached ? '' : ' (detached)'}`;
  }
}
