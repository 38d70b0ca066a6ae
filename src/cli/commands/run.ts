import { Command } from 'commander';
import { TsbpfError } from '../../errors.js';
import { DEFAULT_CLI_BUDGET, formatR0, isBadInput, runConventionProgram, type Backend } from '../convention-run.js';
import { parseHexBytes } from '../hex-bytes.js';
import { elfProgramWithMaps, runElfProgramWithMaps } from '../elf-object-run.js';
import { readProgramFile } from '../program-input.js';

import { EXIT_FAIL } from '../exit-codes.js';
import { backendOption, engineOption, positiveInteger } from '../options.js';

interface RunOptions {
  mem?: string;
  engine: string;
  backend: Backend;
  budget: number;
}

/**
 * `tsbpf run PROG [--mem HEX] [--engine interp|jit] [--backend vm|kernel]`:
 * runs raw bytecode, assembly or an ELF object under the conformance calling
 * convention and prints r0 as `0x…` on its last line. Bad input exits 2 (via
 * main); a program that faults at run time or that the kernel refuses, 1.
 */
export function register(program: Command): void {
  program
    .command('run')
    .description('run a program (raw bytecode, assembly or ELF) with r1 = memory, r2 = its length; print r0')
    .argument('<prog>', 'raw bytecode (.bin), assembly (.s, .asm) or an ELF object (main in .text, or its first program)')
    .option('--mem <hex>', 'the memory r1 points to, as hex bytes')
    .addOption(engineOption('execution engine', 'interp'))
    .addOption(backendOption('tsbpf\'s VM or the Linux kernel (BPF_PROG_TEST_RUN)'))
    .option('--budget <n>', 'most instructions the VM may execute', positiveInteger(), DEFAULT_CLI_BUDGET)
    .action(async (path: string, options: RunOptions) => {
      // An ELF program that uses maps runs inside its object (maps created and filled).
      const withMaps = elfProgramWithMaps(path);
      const insns = withMaps === null ? readProgramFile(path) : [];
      const mem = options.mem === undefined ? new Uint8Array(0) : parseHexBytes(options.mem, '--mem');
      let r0: bigint;
      try {
        r0 = withMaps !== null
          ? runElfProgramWithMaps(withMaps, mem, options.engine, options.backend, options.budget)
          : await runConventionProgram({ insns, mem, engine: options.engine, backend: options.backend, budget: options.budget });
      } catch (err) {
        if (isBadInput(err) || !(err instanceof TsbpfError)) throw err;
        process.stderr.write(`tsbpf: ${err.message}\n`);
        process.exitCode = EXIT_FAIL;
        return;
      }
      process.stdout.write(`${formatR0(r0)}\n`);
    });
}
