import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { collect } from '../options.js';
import { readElf } from '../../elf/index.js';
import { DisasmInputError, listObject, listRaw, missingSections } from '../../isa/disasm/index.js';

interface DisasmCommandOptions {
  section: string[];
  reloc?: boolean;
  mcpu: string;
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const isElf = (bytes: Uint8Array): boolean => ELF_MAGIC.every((b, i) => bytes[i] === b);

/**
 * `tsbpf disasm FILE.o|FILE.bin [--section S]…`: what `llvm-objdump-19 -d`
 * prints for the same bytes. An ELF object (recognised by its magic) is
 * listed whole; anything else is raw bytecode, printed as the instruction
 * lines llvm-objdump gives for a `.text` holding those bytes.
 */
export function register(program: Command): void {
  program
    .command('disasm')
    .description('disassemble an eBPF object or raw bytecode as llvm-objdump -d (LLVM 19) prints it')
    .argument('<file>', 'ELF object (.o) or raw bytecode (.bin)')
    .option('--section <name>', 'only the sections with this name (llvm-objdump -j; repeatable)', collect, [])
    .option('-r, --reloc', 'print relocations after the instructions they patch (llvm-objdump -dr)')
    .addOption(new Option('--mcpu <cpu>', 'decode as this CPU: v3 and v4 name w registers in sub-word loads, stores and 32-bit atomics')
      .choices(['generic', 'v1', 'v2', 'v3', 'v4']).default('generic'))
    .action((file: string, options: DisasmCommandOptions) => {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(readFileSync(file));
      } catch (err) {
        throw new DisasmInputError(`cannot read ${file}: ${(err as Error).message}`);
      }
      const listing = { relocations: options.reloc === true, alu32: options.mcpu === 'v3' || options.mcpu === 'v4' };
      if (isElf(bytes)) {
        const obj = readElf(bytes);
        // A section named but absent is a warning, as llvm-objdump gives it; the listing goes on without it.
        const { missing, code } = missingSections(obj, options.section);
        for (const name of missing) {
          process.stderr.write(`tsbpf: warning: no section named '${name}' in ${file} (code sections: ${code.join(', ') || 'none'})\n`);
        }
        process.stdout.write(listObject(obj, file, { ...listing, sections: options.section }));
        return;
      }
      if (bytes.length % 8 !== 0) {
        throw new DisasmInputError(`${file}: neither an ELF object nor raw bytecode (${bytes.length} bytes is not a multiple of 8)`);
      }
      if (options.section.length > 0) {
        throw new DisasmInputError(`${file}: raw bytecode has no sections (--section ${options.section.join(', ')})`);
      }
      process.stdout.write(listRaw(bytes, listing));
    });
}
