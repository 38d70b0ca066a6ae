// Clocks behind the time helpers. The system clock reads Node's monotonic
// clock (CLOCK_MONOTONIC on Linux, time since boot); tests use a manual clock.

export interface HelperClock {
  /** CONFIG_HZ: ticks per second, for jiffies and the coarse clock. */
  readonly hz: number;
  /** CLOCK_MONOTONIC in nanoseconds (bpf_ktime_get_ns). */
  monotonicNs(): bigint;
  /** CLOCK_BOOTTIME (bpf_ktime_get_boot_ns): monotonic plus time suspended, which user space cannot see: equal to monotonic here. */
  bootNs(): bigint;
  /** CLOCK_TAI (bpf_ktime_get_tai_ns): wall-clock time plus the 37 s TAI-UTC offset. */
  taiNs(): bigint;
}

const TAI_OFFSET_NS = 37_000_000_000n;

/**
 * Node's process.hrtime.bigint, looked up once: `process` is a getter on
 * globalThis and the process object a dictionary, so reading them on every
 * call costs more than the clock (hooks read it on every event).
 */
const nodeHrtime = (globalThis as { process?: { hrtime?: { bigint?: () => bigint } } }).process?.hrtime?.bigint;

/** CLOCK_MONOTONIC in nanoseconds: the clock of bpf_ktime_get_ns() and of the hooks' timestamps. */
export const monotonicNowNs: () => bigint = nodeHrtime ?? (() => BigInt(Math.round(performance.now() * 1e6)));

/** The machine's clocks, HZ = 250 (the kernel's default CONFIG_HZ). */
export function systemClock(hz = 250): HelperClock {
  return {
    hz,
    monotonicNs: monotonicNowNs,
    bootNs: monotonicNowNs,
    taiNs: () => BigInt(Date.now()) * 1_000_000n + TAI_OFFSET_NS,
  };
}

/** A clock that moves only when told to (deterministic tests). */
export class ManualClock implements HelperClock {
  constructor(public nowNs = 0n, readonly hz = 250, public taiBaseNs = 0n) {}
  monotonicNs(): bigint { return this.nowNs; }
  bootNs(): bigint { return this.nowNs; }
  taiNs(): bigint { return this.taiBaseNs + this.nowNs; }
  advance(ns: bigint): void { this.nowNs += ns; }
}

/** Nanoseconds per tick. */
export const tickNs = (clock: HelperClock): bigint => 1_000_000_000n / BigInt(clock.hz);

/** INITIAL_JIFFIES: jiffies start 300 s before wrapping their low 32 bits, as the kernel's. */
export const initialJiffies = (hz: number): bigint => BigInt.asUintN(32, BigInt(-300 * hz));

/** jiffies_64 now: INITIAL_JIFFIES plus the ticks since boot. */
export function jiffies64(clock: HelperClock): bigint {
  return BigInt.asUintN(64, initialJiffies(clock.hz) + clock.monotonicNs() / tickNs(clock));
}

/** CLOCK_MONOTONIC_COARSE: the monotonic time at the last tick (bpf_ktime_get_coarse_ns). */
export function coarseNs(clock: HelperClock): bigint {
  const tick = tickNs(clock);
  return (clock.monotonicNs() / tick) * tick;
}
