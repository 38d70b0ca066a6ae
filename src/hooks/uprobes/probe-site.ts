import { types } from 'node:util';
import { monotonicNowNs } from '../../helpers/clock.js';
import { UprobeHook, type SiteHooks } from './uprobe-hook.js';

type AnyFunction = (...args: unknown[]) => unknown;

let nextFuncIp = 0x40_1000n;

/**
 * One probed JavaScript function: its entry hook (uprobe) and return hook
 * (uretprobe), and the wrapper that fires them. The wrapper is put in place
 * when either hook gets its first program and taken out when both are
 * empty (subclasses say where the function lives). Calls through the
 * wrapper behave as calls of the original: same `this`, arguments, return
 * value, exceptions and `new`; a returned promise is passed on unchanged,
 * and the return hook fires when it settles.
 */
export abstract class ProbeSite implements SiteHooks {
  readonly entry: UprobeHook;
  readonly exit: UprobeHook;
  /** The id PT_REGS_IP() and bpf_get_func_ip() give for this function. */
  readonly funcIp: bigint;
  private installed = false;

  constructor(readonly label: string) {
    this.funcIp = nextFuncIp;
    nextFuncIp += 0x10n;
    this.entry = new UprobeHook(this, label, false, this.funcIp);
    this.exit = new UprobeHook(this, label, true, this.funcIp);
  }

  get isInstalled(): boolean {
    return this.installed;
  }

  /** Puts the wrapper where the function lives (HookTargetError when it cannot). */
  protected abstract install(): void;
  /** Puts the original back. */
  protected abstract uninstall(): void;

  hookActivated(): void {
    if (this.installed) return;
    this.install();
    this.installed = true;
  }

  hookDeactivated(): void {
    if (!this.installed || this.entry.active || this.exit.active) return;
    this.installed = false;
    this.uninstall();
  }

  /** A function that calls `original` with the probes around it. */
  wrap(original: AnyFunction): AnyFunction {
    const { entry, exit } = this;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      if (!entry.active && !exit.active) {
        return new.target ? Reflect.construct(original, args, new.target) : Reflect.apply(original, this, args);
      }
      const t0 = monotonicNowNs();
      if (entry.active) entry.fireEntry(args, t0);
      let result: unknown;
      try {
        result = new.target ? Reflect.construct(original, args, new.target) : Reflect.apply(original, this, args);
      } catch (err) {
        if (exit.active) exit.fireReturn(err, t0, true, false);
        throw err;
      }
      if (exit.active) {
        // Only native promises: calling then() of other thenables may have effects (query builders run on then()).
        if (typeof result === 'object' && result !== null && types.isPromise(result)) {
          // Observes the settling without touching the promise the caller gets (no unhandled rejection of ours).
          result.then(
            (v) => { if (exit.active) exit.fireReturn(v, t0, false, true); },
            (e) => { if (exit.active) exit.fireReturn(e, t0, true, true); },
          );
        } else {
          exit.fireReturn(result, t0, false, false);
        }
      }
      return result;
    };
    Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
    Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
    if (original.prototype !== undefined) wrapper.prototype = original.prototype;
    return wrapper;
  }
}
