import { Command } from 'commander';
import { TsbpfError } from '../../errors.js';
import type { TestRunResult } from '../../object/backend.js';
import type { BpfObject } from '../../object/bpf-object.js';
import { loadObject } from '../../object/load-object.js';
import { isTestRunBadInput } from '../test-run/failure.js';
import { readInputFile, writeOutputFile } from '../test-run/read-input.js';
import { jsonReport, textLine } from '../test-run/report.js';
import { selectProgram } from '../test-run/select-program.js';
import { vmTestRunSpec } from '../test-run/vm-spec.js';

import { EXIT_FAIL } from '../exit-codes.js';
import { backendOption, collect, engineOption, positiveInteger } from '../options.js';

interface TestRunCommandOptions {
  section?: string;
  program?: string;
  dataIn: string[];
  ctxIn?: string;
  dataOut?: string;
  repeat: number;
  engine?: 'interp' | 'jit';
  backend: 'vm' | 'kernel';
  json?: boolean;
}

/**
 * `tsbpf test-run OBJ [--section S | --program NAME] [--data-in F]… [--ctx-in F]
 * [--data-out F] [--repeat N] [--engine interp|jit] [--backend vm|kernel] [--json]`:
 * the counterpart of `bpftool prog run`. Each --data-in runs in order against
 * the same loaded object (map state carries over); one line per input, or
 * with --json the results and every map as `bpftool -j map dump` prints it.
 * Exit 0 when every run completed, 1 when the program is refused or fails,
 * 2 on bad input.
 */
export function register(program: Command): void {
  program
    .command('test-run')
    .description('load an object and test-run one of its programs, like bpftool prog run')
    .argument('<obj>', 'ELF object (clang -target bpf)')
    .option('--section <name>', 'run the (first) program of this section')
    .option('--program <name>', 'run the program (function) of this name')
    .option('--data-in <file>', 'packet input; repeat for several runs in order (- for stdin)', collect, [])
    .option('--ctx-in <file>', 'context input (struct xdp_md, struct __sk_buff, raw arguments...)')
    .option('--data-out <file>', 'write the last run\'s data out to this file (- for stdout, the report then goes to stderr)')
    .option('--repeat <n>', 'runs per input; the duration is their average', positiveInteger(0xffffffff), 1)
    .addOption(engineOption('VM execution engine (default: jit for verified programs)'))
    .addOption(backendOption())
    .option('--json', 'print results and map contents as JSON')
    .action(async (path: string, options: TestRunCommandOptions) => {
      const inputs = options.dataIn.map((f) => readInputFile(f, '--data-in'));
      const ctxIn = options.ctxIn === undefined ? undefined : readInputFile(options.ctxIn, '--ctx-in');
      let obj: BpfObject | undefined;
      try {
        // The VM leaves out the programs it cannot run that this run does not need; the kernel loads them all.
        const input = (options.backend ?? 'vm') === 'vm' ? vmTestRunSpec(path, options) : path;
        obj = await loadObject(input, { backend: options.backend, ...(options.engine !== undefined ? { engine: options.engine } : {}) });
        const prog = selectProgram(obj, options);
        // With --data-out -, stdout carries the packet bytes alone; the report goes to stderr.
        const report = options.dataOut === '-' ? process.stderr : process.stdout;
        const results: TestRunResult[] = [];
        for (const dataIn of inputs.length > 0 ? inputs : [undefined]) {
          const result = prog.testRun({
            ...(dataIn !== undefined ? { dataIn } : {}),
            ...(ctxIn !== undefined ? { ctxIn } : {}),
            repeat: options.repeat,
            // Both backends run on CPU 0 (the kernel's run pinned there), so per-CPU
            // map slots and bpf_get_smp_processor_id compare between them.
            cpu: 0,
          });
          results.push(result);
          if (!options.json) report.write(`${textLine(result)}\n`);
        }
        if (options.dataOut !== undefined) writeOutputFile(options.dataOut, results[results.length - 1].dataOut);
        if (options.json) report.write(`${jsonReport(results, obj)}\n`);
      } catch (err) {
        if (!(err instanceof TsbpfError) || isTestRunBadInput(err)) throw err;
        process.stderr.write(`tsbpf: ${err.message}\n`);
        process.exitCode = EXIT_FAIL;
      } finally {
        obj?.close();
      }
    });
}
