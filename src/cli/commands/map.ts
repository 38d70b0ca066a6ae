import type { Command } from 'commander';
import { TSBPF_PIN_ROOT } from '../../kernel/pin.js';
import { dumpMapFd, mapDumpJson, mapDumpText, openSelectedMap, parseMapSelector } from '../kernel-inspect/map-dump.js';
import { listMaps, mapJson, mapText } from '../kernel-inspect/map-listing.js';
import { reportFailure } from '../kernel-inspect/report-failure.js';
import { indexKernelObjects, requireKernel } from '../kernel-inspect/selection.js';

interface ListOptions {
  all?: boolean;
  json?: boolean;
  pinRoot: string;
}

/**
 * `tsbpf map list [--all] [--json]` and `tsbpf map dump (id ID | pinned PATH |
 * name NAME) [--json]`: the maps tsbpf created (held by a tsbpf process, used
 * by its programs, or pinned under /sys/fs/bpf/tsbpf) and their contents, as
 * `bpftool map show` / `bpftool map dump` print them (`formatted` from BTF).
 */
export function register(program: Command): void {
  const map = program.command('map').description('maps in the kernel, like bpftool map');
  map
    .command('list')
    .alias('show')
    .description('list the maps tsbpf created or pinned (--all: every map)')
    .option('--all', 'every map in the kernel')
    .option('--json', 'JSON as bpftool -j prints it')
    .option('--pin-root <dir>', 'where tsbpf pins objects', TSBPF_PIN_ROOT)
    .action((options: ListOptions) => reportFailure(() => {
      requireKernel();
      const listed = listMaps(indexKernelObjects(options.all === true, options.pinRoot), options.all === true);
      if (options.json) process.stdout.write(`${JSON.stringify(listed.map(mapJson))}\n`);
      else if (listed.length > 0) process.stdout.write(`${listed.map(mapText).join('\n')}\n`);
    }));
  map
    .command('dump')
    .description('print every element of a map: map dump id 12 | pinned /sys/fs/bpf/tsbpf/counts | name counts')
    .argument('<how>', 'id, pinned or name')
    .argument('<what>', 'the map id, pin path or name')
    .option('--json', 'JSON as bpftool -j map dump prints it')
    .action((how: string, what: string, options: { json?: boolean }) => reportFailure(() => {
      const selector = parseMapSelector(how, what);
      requireKernel();
      const dump = dumpMapFd(openSelectedMap(selector));
      process.stdout.write(`${options.json ? mapDumpJson(dump) : mapDumpText(dump)}\n`);
    }));
}
