import { readdirSync, readFileSync } from 'node:fs';

/** A process holding a bpf object through an fd, as bpftool's `pids` shows it. */
export interface FdOwner {
  readonly pid: number;
  readonly comm: string;
}

/** Which processes hold which bpf objects: keys `program:ID`, `map:ID`, `link:ID`. */
export type FdOwners = Map<string, FdOwner[]>;

const FIELDS: ReadonlyArray<[string, string]> = [['prog_id:', 'program'], ['map_id:', 'map'], ['link_id:', 'link']];

/**
 * Scans /proc/<pid>/fdinfo of every process (but `exceptPid`) for the ids of
 * the bpf objects its fds refer to (a link fd names its program too, which
 * does not count as holding it). Processes that vanish or cannot be read are skipped.
 */
export function bpfFdOwners(exceptPid = process.pid): FdOwners {
  const owners: FdOwners = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === exceptPid) continue;
    const pid = Number(entry);
    let fds: string[];
    let comm: string;
    try {
      fds = readdirSync(`/proc/${pid}/fdinfo`);
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    for (const fd of fds) {
      let text: string;
      try {
        text = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
      } catch {
        continue;
      }
      const isLink = text.includes('link_id:');
      for (const [field, kind] of FIELDS) {
        if (isLink && kind === 'program') continue;
        const at = text.indexOf(`\n${field}`);
        if (at < 0) continue;
        const id = Number.parseInt(text.slice(at + field.length + 1), 10);
        const key = `${kind}:${id}`;
        const list = owners.get(key) ?? [];
        if (!list.some((o) => o.pid === pid)) list.push({ pid, comm });
        owners.set(key, list);
      }
    }
  }
  return owners;
}

/** The processes whose command line mentions tsbpf (the CLI, or scripts run from a tsbpf checkout). */
export function tsbpfProcesses(exceptPid = process.pid): Set<number> {
  const pids = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === exceptPid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('tsbpf')) pids.add(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}
