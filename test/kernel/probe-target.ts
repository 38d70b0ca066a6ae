// Builds test/kernel/probe-target.c with gcc into a temporary directory (once per process).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = join(dirname(fileURLToPath(import.meta.url)), 'probe-target.c');
let built: { path: string } | { error: string } | undefined;

/** The built binary's path, or why it cannot be built (no gcc). */
export function probeTarget(): { path: string } | { error: string } {
  if (built) return built;
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-probe-'));
  const path = join(dir, 'probe-target');
  const r = spawnSync('gcc', ['-O1', '-g', '-o', path, source], { encoding: 'utf8' });
  built = r.status === 0 ? { path } : { error: `gcc failed: ${r.error?.message ?? r.stderr.trim()}` };
  return built;
}

/** Runs the binary with `args` and returns its stdout, trimmed. */
export function runProbeTarget(path: string, ...args: string[]): string {
  const r = spawnSync(path, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
