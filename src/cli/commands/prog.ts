import type { Command } from 'commander';
import { TSBPF_PIN_ROOT } from '../../kernel/pin.js';
import { reportFailure } from '../kernel-inspect/report-failure.js';
import { listPrograms, programJson, programText } from '../kernel-inspect/program-listing.js';
import { indexKernelObjects, requireKernel } from '../kernel-inspect/selection.js';

interface ListOptions {
  all?: boolean;
  json?: boolean;
  pinRoot: string;
}

/**
 * `tsbpf prog list [--all] [--json]`: the programs tsbpf loaded (held open
 * by a tsbpf process, or pinned under /sys/fs/bpf/tsbpf), or with --all every
 * program in the kernel, as `bpftool prog show` prints them (with --json as
 * `bpftool -j`). Exit 1 where bpf() is refused.
 */
export function register(program: Command): void {
  const prog = program.command('prog').description('programs in the kernel, like bpftool prog');
  prog
    .command('list')
    .alias('show')
    .description('list the programs tsbpf loaded or pinned (--all: every program)')
    .option('--all', 'every program in the kernel')
    .option('--json', 'JSON as bpftool -j prints it')
    .option('--pin-root <dir>', 'where tsbpf pins objects', TSBPF_PIN_ROOT)
    .action((options: ListOptions) => reportFailure(() => {
      requireKernel();
      const listed = listPrograms(indexKernelObjects(options.all === true, options.pinRoot), options.all === true);
      if (options.json) process.stdout.write(`${JSON.stringify(listed.map(programJson))}\n`);
      else if (listed.length > 0) process.stdout.write(`${listed.map(programText).join('\n')}\n`);
    }));
}
