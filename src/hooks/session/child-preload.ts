// The module `tsbpf attach OBJ -- node app.js` puts in the command's
// NODE_OPTIONS (--import): in the application's own process, before its
// code runs, it loads the object, registers the ESM loader for its uprobes,
// attaches every program, streams events to the CLI over the IPC channel
// and writes the maps' final contents when the process exits.
import { writeFileSync } from 'node:fs';
import { loadObject } from '../../object/load-object.js';
import { registerUprobeLoader } from '../uprobes/esm-registry.js';
import { AttachSession, type SessionEvent } from './attach-session.js';
import { CHILD_CONFIG_ENV, type ChildConfig, type ChildMessage, type ChildResult, type ParentMessage } from './protocol.js';

const raw = process.env[CHILD_CONFIG_ENV];
if (raw !== undefined) {
  const config = JSON.parse(raw) as ChildConfig;
  // Processes this one starts run without tsbpf.
  delete process.env[CHILD_CONFIG_ENV];
  if (config.nodeOptions === null) delete process.env.NODE_OPTIONS;
  else process.env.NODE_OPTIONS = config.nodeOptions;
  await start(config);
}

function send(message: ChildMessage): boolean {
  if (!process.send || !process.connected) return false;
  process.send({ tsbpf: message });
  return true;
}

async function start(config: ChildConfig): Promise<void> {
  const late: SessionEvent[] = [];
  let exiting = false;
  const report = (error?: string, session?: AttachSession): void => {
    const result: ChildResult = { events: late, maps: session ? session.dumpMaps() : {}, ...(error ? { error } : {}) };
    writeFileSync(config.resultFile, JSON.stringify(result));
  };
  let session: AttachSession;
  try {
    const obj = await loadObject(config.object, { engine: config.engine, verify: config.verify });
    const uprobes = obj.spec.programs.map((p) => p.section).filter((s) => /^uret?probe\//.test(s)).map((s) => s.slice(s.indexOf('/') + 1));
    if (uprobes.length > 0) registerUprobeLoader(uprobes, config.baseDir);
    session = new AttachSession(obj, {
      baseDir: config.baseDir,
      ...(config.sampleFreq !== undefined ? { sampleFreq: config.sampleFreq } : {}),
      onAttach: (program, hook, reason) => { send({ type: 'attached', program, hook, ...(reason ? { reason } : {}) }); },
    });
  } catch (err) {
    const message = (err as Error).message;
    send({ type: 'error', message });
    report(message);
    process.channel?.unref();
    return;
  }
  session.onEvent((event) => {
    if (exiting || !send({ type: 'event', event })) late.push(event);
  });
  process.on('message', (m: { tsbpf?: ParentMessage }) => {
    if (m?.tsbpf?.type !== 'dump') return;
    session.flush();
    report(undefined, session);
    send({ type: 'dumped' });
  });
  process.on('exit', () => {
    exiting = true;
    session.flush();
    report(undefined, session);
  });
  // Ctrl-C and SIGTERM kill without 'exit' handlers: write the report first, then let the signal do
  // what it would have done (the application's own handlers, or the default: terminate).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      session.flush();
      report(undefined, session);
      if (process.listenerCount(signal) === 1) {
        process.off(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
  // The channel must not keep the application alive.
  process.channel?.unref();
}
