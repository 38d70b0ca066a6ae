import { readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { assemble, type AsmSyntax } from '../../isa/asm/index.js';
import { encode } from '../../isa/encoding.js';
import { AsmError } from '../../isa/errors.js';
import { EXIT_USAGE } from '../exit-codes.js';

interface AsmCommandOptions {
  output?: string;
  syntax: AsmSyntax;
}

/**
 * `tsbpf asm FILE.s [-o OUT.bin]`: assembles either syntax to raw bytecode.
 * Without -o, prints each 8-byte slot as a 64-bit little-endian word in hex
 * (opcode in the low byte), the spelling of the suite's `-- raw` sections.
 */
export function register(program: Command): void {
  program
    .command('asm')
    .description('assemble BPF assembly (LLVM or conformance syntax) into raw bytecode')
    .argument('<file>', 'assembly source, or - for standard input')
    .option('-o, --output <file>', 'write the bytecode to this file instead of printing hex words')
    .addOption(new Option('--syntax <syntax>', 'which syntax to read').choices(['auto', 'llvm', 'conformance']).default('auto'))
    .action((file: string, options: AsmCommandOptions) => {
      let text: string;
      try {
        text = readFileSync(file === '-' ? 0 : file, 'utf8');
      } catch (err) {
        process.stderr.write(`tsbpf: cannot read ${file}: ${(err as Error).message}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      let bytes: Uint8Array;
      try {
        bytes = encode(assemble(text, { syntax: options.syntax }));
      } catch (err) {
        if (!(err instanceof AsmError)) throw err;
        process.stderr.write(`${file === '-' ? '<stdin>' : file}:${err.line}:${err.column}: ${err.reason}\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      if (options.output !== undefined) {
        try {
          writeFileSync(options.output, bytes);
        } catch (err) {
          process.stderr.write(`tsbpf: cannot write ${options.output}: ${(err as Error).message}\n`);
          process.exitCode = EXIT_USAGE;
        }
        return;
      }
      process.stdout.write(hexWords(bytes));
    });
}

/** One `0x...` 64-bit little-endian word per instruction slot, each on its own line. */
export function hexWords(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out = '';
  for (let at = 0; at + 8 <= bytes.length; at += 8) {
    out += `0x${view.getBigUint64(at, true).toString(16).padStart(16, '0')}\n`;
  }
  return out;
}
