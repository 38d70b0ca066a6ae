import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { assemble } from '../isa/asm/index.js';
import { decodeRaw } from '../isa/encoding.js';
import { AsmError, DecodeError } from '../isa/errors.js';
import type { Instruction } from '../isa/instruction.js';
import { elfEntryProgram } from './elf-entry.js';
import { CliInputError } from './errors.js';

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
export const isElf = (bytes: Uint8Array): boolean => ELF_MAGIC.every((b, i) => bytes[i] === b);

/** How the bytes of a program file are read. */
export type ProgramFormat = 'elf' | 'asm' | 'raw';

/** An ELF object by its magic, assembly by the extension `.s` or `.asm`, raw bytecode otherwise. */
export function programFormat(path: string, bytes: Uint8Array): ProgramFormat {
  if (isElf(bytes)) return 'elf';
  const ext = extname(path).toLowerCase();
  return ext === '.s' || ext === '.asm' ? 'asm' : 'raw';
}

/** Instructions of a program given as bytes in one of the formats (errors are typed: AsmError, DecodeError, ElfError...). */
export function programFromBytes(bytes: Uint8Array, format: ProgramFormat): Instruction[] {
  switch (format) {
    case 'elf': return elfEntryProgram(bytes);
    case 'asm': return assemble(new TextDecoder().decode(bytes));
    case 'raw': return decodeRaw(bytes);
  }
}

/** Reads a program file: raw bytecode (.bin), assembly (.s/.asm) or an ELF object. */
export function readProgramFile(path: string): Instruction[] {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new CliInputError(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return programFromBytes(bytes, programFormat(path, bytes));
  } catch (err) {
    if (err instanceof AsmError) throw new CliInputError(`${path}:${err.line}:${err.column}: ${err.reason}`);
    if (err instanceof DecodeError) throw new CliInputError(`${path}: ${err.message}`);
    throw err;
  }
}
