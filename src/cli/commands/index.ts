import type { Command } from 'commander';
import { register as asm } from './asm.js';
import { register as disasm } from './disasm.js';
import { register as run } from './run.js';
import { register as conformancePlugin } from './conformance-plugin.js';
import { register as testRun } from './test-run.js';
import { register as prog } from './prog.js';
import { register as map } from './map.js';
import { register as attach } from './attach.js';
import { register as verify } from './verify.js';

/** Every subcommand module exports `register(program)`; add yours to this list. */
const registrars: Array<(program: Command) => void> = [
  asm,
  disasm,
  run,
  conformancePlugin,
  testRun,
  prog,
  map,
  attach,
  verify,
];

export function registerCommands(program: Command): void {
  for (const register of registrars) register(program);
}
