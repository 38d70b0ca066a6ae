import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { linkInfoByFd } from '../attach/kernel-link.js';
import { mapInfoByFd, programInfoByFd } from '../obj-info.js';
import { openPinned } from '../pin.js';
import { sysClose } from '../syscall.js';

/** Pinned paths by object: keys `program:ID`, `map:ID`, `link:ID`. */
export type PinnedPaths = Map<string, string[]>;

/** Walks `dir` (a bpffs directory) and opens each pin to learn what it is; missing dirs give nothing. */
export function pinnedObjects(dir: string): PinnedPaths {
  const out: PinnedPaths = new Map();
  const walk = (path: string): void => {
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(path, name);
      let isDir = false;
      try {
        isDir = statSync(full).isDirectory();
      } catch {
        continue;
      }
      if (isDir) {
        walk(full);
        continue;
      }
      let opened: { fd: number; kind: string };
      try {
        opened = openPinned(full);
      } catch {
        continue;
      }
      try {
        const id = opened.kind === 'map' ? mapInfoByFd(opened.fd).id
          : opened.kind === 'program' ? programInfoByFd(opened.fd).id
            : opened.kind === 'link' ? linkInfoByFd(opened.fd).id : undefined;
        if (id === undefined) continue;
        const key = `${opened.kind}:${id}`;
        out.set(key, [...(out.get(key) ?? []), full]);
      } finally {
        sysClose(opened.fd);
      }
    }
  };
  walk(dir);
  return out;
}
