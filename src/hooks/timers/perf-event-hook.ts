import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { monotonicNowNs } from '../../helpers/clock.js';
import type { ProgTypeName } from '../../progtypes/prog-types.js';
import { CtxImage } from '../ctx/image.js';
import { HookTargetError } from '../errors.js';
import { HookPoint } from '../hook-point.js';
import { PERF_AT, PERF_EVENT_LAYOUT } from './perf-event-ctx.js';

export interface PerfEventOptions {
  /** Samples per second (perf's -F); default 99 when no period is given. */
  readonly sampleFreq?: number;
  /** Or: nanoseconds between samples (an interval probe). */
  readonly samplePeriodNs?: number;
}

/** Timers run on the event loop: no finer than this. */
const MIN_PERIOD_NS = 1_000_000;
const MAX_FREQ = 1000;

let nextTimer = 1;

/**
 * A sampling timer (`perf_event`, like a perf event of the cpu-clock
 * software counter) that runs perf_event programs at a frequency, or at a
 * fixed period (an interval probe), with the process's state as context.
 * Each timer is its own hook, as each perf event is in the kernel. The timer
 * is unref'd: it never keeps the process alive.
 */
export class PerfEventHook extends HookPoint {
  readonly name: string;
  readonly progTypes: readonly ProgTypeName[] = ['perf_event'];
  readonly ctxSize = PERF_EVENT_LAYOUT.size;
  readonly periodNs: number;
  private readonly image = new CtxImage(PERF_EVENT_LAYOUT);
  private timer: NodeJS.Timeout | null = null;
  private due = 0;
  private samples = 0n;
  private lastElu = performance.eventLoopUtilization();
  private lastCpu = process.cpuUsage();

  constructor(options: PerfEventOptions = {}) {
    super();
    const freq = options.sampleFreq;
    if (freq !== undefined && (!(freq > 0) || freq > MAX_FREQ)) throw new HookTargetError(`perf_event: sample frequency ${freq} Hz is outside 1..${MAX_FREQ}`);
    const period = options.samplePeriodNs ?? Math.round(1e9 / (freq ?? 99));
    if (!(period >= MIN_PERIOD_NS)) throw new HookTargetError(`perf_event: a period of ${period} ns is below the event loop's 1 ms`);
    this.periodNs = period;
    this.name = `perf_event/${nextTimer++}@${options.samplePeriodNs !== undefined ? `${period}ns` : `${freq ?? 99}hz`}`;
  }

  protected activate(): void {
    this.lastElu = performance.eventLoopUtilization();
    this.lastCpu = process.cpuUsage();
    this.schedule(performance.now() + this.periodNs / 1e6);
  }

  protected deactivate(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(due: number): void {
    this.due = due;
    this.timer = setTimeout(() => this.sample(), Math.max(0, due - performance.now())).unref();
  }

  private sample(): void {
    const now = performance.now();
    const lagNs = Math.max(0, Math.round((now - this.due) * 1e6));
    const elu = performance.eventLoopUtilization(this.lastElu);
    this.lastElu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage(this.lastCpu);
    this.lastCpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const img = this.image.clear();
    img.u64(PERF_AT.ip, ++this.samples);
    img.u64(PERF_AT.samplePeriod, this.periodNs);
    img.u64(PERF_AT.ts, monotonicNowNs());
    img.u64(PERF_AT.lag, lagNs);
    img.u64(PERF_AT.elu, Math.round(elu.utilization * 1e6));
    img.u64(PERF_AT.heapUsed, mem.heapUsed);
    img.u64(PERF_AT.heapTotal, mem.heapTotal);
    img.u64(PERF_AT.rss, mem.rss);
    img.u64(PERF_AT.cpuUser, cpu.user);
    img.u64(PERF_AT.cpuSystem, cpu.system);
    img.u32(PERF_AT.resources, process.getActiveResourcesInfo().length);
    img.u32(PERF_AT.tid, threadId);
    const bytes = img.bytes;
    this.runAll((slot) => HookPoint.writeCtx(slot, bytes));
    // The next sample is due one period after this one was; a blocked loop skips the missed ones.
    if (this.active) {
      let next = this.due + this.periodNs / 1e6;
      if (next < now) next = now + this.periodNs / 1e6;
      this.schedule(next);
    }
  }
}
