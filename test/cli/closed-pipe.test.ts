// The CLI under a reader that stops early (`tsbpf verify x.o --log-level 2 | head -1`).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

test('a reader that closes the pipe early ends the CLI quietly (no EPIPE stack trace)', async () => {
  const entry = fileURLToPath(new URL('./entry.ts', import.meta.url));
  const fixture = fileURLToPath(new URL('../fixtures/xdp_firewall.o', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', entry, 'verify', fixture, '--log-level', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  // Read one chunk, then close our end, as `| head -1` does.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
