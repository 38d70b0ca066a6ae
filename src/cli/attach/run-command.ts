import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHILD_CONFIG_ENV, type ChildConfig, type ChildMessage, type ChildResult } from '../../hooks/session/protocol.js';
import type { SessionEvent } from '../../hooks/session/attach-session.js';

export interface CommandRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly result: ChildResult | null;
  /** Whether the command loaded tsbpf's preload module at all (false: not a Node.js program?). */
  readonly hooked: boolean;
}

export interface CommandOptions {
  readonly object: string;
  readonly engine: 'interp' | 'jit';
  readonly verify: boolean;
  readonly sampleFreq?: number;
  readonly durationMs?: number;
  readonly onEvent: (e: SessionEvent) => void;
  readonly onAttach: (program: string, hook: string | null, reason?: string) => void;
  readonly onError: (message: string) => void;
}

/** How long a command may take to end after SIGTERM before it is killed. */
const KILL_AFTER_MS = 3000;

/** The preload module next to the CLI: dist/…/child-preload.js, or the .ts source when the CLI runs through tsx. */
function preloadArgs(): string {
  const here = import.meta.url;
  const fromSource = here.endsWith('.ts');
  const preload = new URL(`../../hooks/session/child-preload.${fromSource ? 'ts' : 'js'}`, here).href;
  return `${fromSource ? '--import tsx ' : ''}--import ${JSON.stringify(preload)}`;
}

/**
 * Runs COMMAND (`node app.js`) with tsbpf's hooks inside it: its
 * NODE_OPTIONS get the preload module, its IPC channel brings events back
 * as they come, and its final report (maps, last events) comes through a
 * file it writes at exit. With a duration, the CLI asks for the report, then
 * stops the command (SIGTERM).
 */
export function runCommand(argv: readonly string[], options: CommandOptions): Promise<CommandRun> {
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-attach-'));
  const resultFile = join(dir, 'result.json');
  const nodeOptions = process.env.NODE_OPTIONS ?? null;
  const config: ChildConfig = {
    object: options.object, engine: options.engine, verify: options.verify, baseDir: process.cwd(), resultFile, nodeOptions,
    ...(options.sampleFreq !== undefined ? { sampleFreq: options.sampleFreq } : {}),
  };
  const env = { ...process.env, [CHILD_CONFIG_ENV]: JSON.stringify(config), NODE_OPTIONS: `${nodeOptions ?? ''} ${preloadArgs()}`.trim() };
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env });
    let hooked = false;
    let timer: NodeJS.Timeout | null = null;
    let killer: NodeJS.Timeout | null = null;
    // SIGTERM, then SIGKILL if the command ignores it.
    const stop = (): void => {
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    };
    child.on('message', (m: { tsbpf?: ChildMessage }) => {
      const msg = m?.tsbpf;
      if (!msg) return;
      hooked = true;
      if (msg.type === 'event') options.onEvent(msg.event);
      else if (msg.type === 'attached') options.onAttach(msg.program, msg.hook, msg.reason);
      else if (msg.type === 'error') options.onError(msg.message);
      else if (msg.type === 'dumped') {
        if (timer) clearTimeout(timer);
        stop();
      }
    });
    if (options.durationMs !== undefined) {
      timer = setTimeout(() => {
        if (!child.connected) return stop();
        child.send({ tsbpf: { type: 'dump' } });
        // A command whose preload never answers is stopped all the same.
        timer = setTimeout(stop, KILL_AFTER_MS);
      }, options.durationMs);
    }
    // Ctrl-C reaches the command too (same process group): its preload writes the report and it ends;
    // the CLI stays to print it. A SIGTERM sent to the CLI alone is passed on.
    const onInt = (): void => {};
    const onTerm = (): void => { child.kill('SIGTERM'); };
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      if (killer) clearTimeout(killer);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
    child.on('error', (err) => { cleanup(); rmSync(dir, { recursive: true, force: true }); reject(err); });
    child.on('exit', (exitCode, signal) => {
      cleanup();
      let result: ChildResult | null = null;
      try {
        result = JSON.parse(readFileSync(resultFile, 'utf8')) as ChildResult;
        hooked = true;
      } catch { /* the command never loaded the preload, or died before writing */ }
      rmSync(dir, { recursive: true, force: true });
      resolve({ exitCode, signal, result, hooked });
    });
  });
}
