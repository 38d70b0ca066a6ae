import type { Command } from 'commander';
import { register as asm } from './asm.js';
import { register as disasm } from './disasm.js';
import { register as run } from './run.js';
import { register as conformancePlugin } from './conformance-plugin.js';
import { register as testRun } from './test-run.js';

/** Every subcommand module exports `register(program)`; add yours to this list. */
const registrars: Array<(program: Command) => void> = [
  asm,
  disasm,
  run,
  conformancePlugin,
  testRun,
];

export function registerCommands(program: Command): void {
  for (const register of registrars) register(program);
}
