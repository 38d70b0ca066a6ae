import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { TsbpfError } from '../../errors.js';
import { EngineUnavailableError } from '../../engine/select.js';
import { runConventionProgram } from '../convention-run.js';
import { CliInputError } from '../errors.js';
import { parseHexBytes } from '../hex-bytes.js';
import { programFromBytes } from '../program-input.js';

import { EXIT_FAIL, EXIT_USAGE } from '../exit-codes.js';

interface PluginOptions {
  engine: string;
  elf?: boolean;
}

/** What the runner's extra arguments say once split into words: memory bytes and plugin options. */
interface PluginArguments {
  memHex: string;
  engine: string;
  elf: boolean;
}

/**
 * The upstream runner starts the plugin as `PLUGIN MEM_HEX OPTIONS`, where
 * MEM_HEX is one argument of space-separated bytes (empty for no memory) and
 * OPTIONS one argument holding every option (possibly empty). Split them into
 * words: `--elf`, `--engine NAME`, and hex bytes for the rest.
 */
function parseArguments(args: readonly string[], options: PluginOptions): PluginArguments {
  const words = args.flatMap((a) => a.split(/\s+/)).filter((w) => w !== '');
  const hex: string[] = [];
  let engine = options.engine;
  let elf = options.elf === true;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '--elf') elf = true;
    else if (word === '--engine' && i + 1 < words.length) engine = words[++i];
    else if (word.startsWith('--engine=')) engine = word.slice('--engine='.length);
    else if (word.startsWith('-')) throw new CliInputError(`unknown plugin option '${word}'`);
    else hex.push(word);
  }
  return { memHex: hex.join(' '), engine, elf };
}

/**
 * `tsbpf conformance-plugin [MEM_HEX] [--engine interp|jit] [--elf]`: the
 * bpf_conformance runner's plugin protocol. The program comes as one line of
 * hex on stdin (raw instructions, or an ELF object with --elf whose `main` in
 * `.text` runs); r0 goes to stdout in hex (exit 0); an error goes to stderr
 * (exit 1 when the program is refused or fails, 2 for malformed input).
 */
export function register(program: Command): void {
  program
    .command('conformance-plugin')
    .description('run one program for the bpf_conformance runner: hex program on stdin, r0 in hex on stdout')
    .argument('[args...]', 'the input memory as hex bytes (the runner passes it first), then plugin options')
    .addOption(new Option('--engine <engine>', 'execution engine').default('interp'))
    .option('--elf', 'stdin holds an ELF object instead of raw instructions')
    .allowUnknownOption()
    .action(async (args: string[], options: PluginOptions) => {
      const parsed = parseArguments(args, options);
      const mem = parseHexBytes(parsed.memHex, 'memory');
      const code = parseHexBytes(readFileSync(0, 'utf8'), 'program on stdin');
      let r0: bigint;
      try {
        const insns = programFromBytes(code, parsed.elf ? 'elf' : 'raw');
        r0 = await runConventionProgram({ insns, mem, engine: parsed.engine, backend: 'vm' });
      } catch (err) {
        if (!(err instanceof TsbpfError)) throw err;
        process.stderr.write(`tsbpf: ${err.message}\n`);
        process.exitCode = err instanceof CliInputError || err instanceof EngineUnavailableError ? EXIT_USAGE : EXIT_FAIL;
        return;
      }
      process.stdout.write(`${BigInt.asUintN(64, r0).toString(16)}\n`);
    });
}
