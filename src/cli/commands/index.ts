import type { Command } from 'commander';

/** Every subcommand module exports `register(program)`; add yours to this list. */
const registrars: Array<(program: Command) => void> = [
];

export function registerCommands(program: Command): void {
  for (const register of registrars) register(program);
}
