#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { TsbpfError } from '../errors.js';
import { registerCommands } from './commands/index.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';

export function buildProgram(): Command {
  const program = new Command('tsbpf')
    .description('eBPF in TypeScript: assemble, disassemble, verify and run BPF programs')
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) });
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? EXIT_OK : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof TsbpfError) {
      process.stderr.write(`tsbpf: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}
