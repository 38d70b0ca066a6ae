/**
 * Whether hooks time each program run (the kernel's BPF_ENABLE_STATS /
 * kernel.bpf_stats_enabled): off by default, since reading the clock twice
 * per run costs more than a short program.
 */
let enabled = false;

export function hookStatsEnabled(): boolean {
  return enabled;
}

/** Turns run-time accounting on or off for every link; returns the previous setting. */
export function enableHookStats(on = true): boolean {
  const was = enabled;
  enabled = on;
  return was;
}
