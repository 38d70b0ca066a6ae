import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { TsbpfError } from '../../errors.js';
import type { SessionEvent } from '../../hooks/session/attach-session.js';
import type { BpfObject } from '../../object/bpf-object.js';
import { loadObject } from '../../object/load-object.js';
import { runInProcess } from '../attach/in-process.js';
import { eventText, mapsText } from '../attach/print.js';
import { parseProxySpec, type ProxySpec } from '../attach/proxy-spec.js';
import { runCommand } from '../attach/run-command.js';
import { CliInputError } from '../errors.js';
import { attachInKernel } from '../kernel-attach/attach-command.js';
import { isTestRunBadInput } from '../test-run/failure.js';

import { EXIT_FAIL } from '../exit-codes.js';
import { backendOption, collect, engineOption, positiveNumber } from '../options.js';

interface AttachOptions {
  backend: 'vm' | 'kernel';
  engine?: 'interp' | 'jit';
  duration?: number;
  json?: boolean;
  sampleFreq?: number;
  pcap?: string;
  pcapOut?: string;
  udpProxy: string[];
  tcpProxy: string[];
  verify: boolean;
}

/**
 * `tsbpf attach OBJ [--backend vm|kernel] [--duration SECONDS] [--json] [-- COMMAND…]`:
 * attaches every program of OBJ to the hook its section names. With the VM
 * backend and a COMMAND (`node app.js`), the programs run inside the
 * command's process (tsbpf's preload module attaches them there) and their
 * events stream back; without one they run in the CLI's process, where
 * packet programs see a capture (--pcap) or proxied traffic (--udp-proxy,
 * --tcp-proxy). Events print as they come; at the end, every map's contents
 * (bpftool's JSON with --json). Exit 0 on success, 1 when a program is
 * refused or the session fails, 2 on bad input.
 */
export function register(program: Command): void {
  program
    .command('attach')
    .description('attach every program of an object to its hooks; with -- COMMAND, inside that Node.js process')
    .argument('<obj>', 'ELF object (clang -target bpf)')
    .argument('[command...]', 'command to run with the hooks active (after --), e.g. node app.js')
    .addOption(backendOption())
    .addOption(engineOption('VM execution engine (default: jit for verified programs, interp with --no-verify)'))
    .option('--duration <seconds>', 'stop after this many seconds', positiveNumber)
    .option('--json', 'print events as JSON lines and the maps as bpftool -j map dump does')
    .option('--no-verify', 'run the programs unverified (checked at run time, with an instruction budget)')
    .option('--sample-freq <hz>', 'frequency of perf_event programs\' timer (default 99)', positiveNumber)
    .option('--pcap <file>', 'replay this pcap/pcapng through xdp and socket programs (no command)')
    .option('--pcap-out <file>', 'write the packets they passed (.pcap or .pcapng)')
    .option('--udp-proxy <spec>', 'UDP proxy through xdp programs: [bind:]port:host:hostport (repeatable)', collect, [])
    .option('--tcp-proxy <spec>', 'TCP proxy through xdp programs: [bind:]port:host:hostport (repeatable)', collect, [])
    .action(async (path: string, command: string[], options: AttachOptions) => {
      // The kernel backend's path (src/cli/kernel-attach): the same output, programs in the real kernel.
      if (options.backend === 'kernel') return attachInKernel(path, command, options);
      if (!existsSync(path)) throw new CliInputError(`${path}: no such file`);
      if (options.pcapOut !== undefined && options.pcap === undefined) throw new CliInputError('--pcap-out needs --pcap');
      if (command.length > 0 && (options.pcap !== undefined || options.udpProxy.length > 0 || options.tcpProxy.length > 0)) {
        throw new CliInputError('--pcap and the proxies run in the CLI\'s process: they cannot go with a COMMAND');
      }
      const udpProxies: ProxySpec[] = options.udpProxy.map((s) => parseProxySpec(s, '--udp-proxy'));
      const tcpProxies: ProxySpec[] = options.tcpProxy.map((s) => parseProxySpec(s, '--tcp-proxy'));
      const json = options.json === true;
      const printEvent = (e: SessionEvent): void => {
        process.stdout.write(json ? `${JSON.stringify({ event: e })}\n` : eventText(e));
      };
      const onAttach = (prog: string, hook: string | null, reason?: string): void => {
        process.stderr.write(hook ? `tsbpf: attached ${prog} to ${hook}\n` : `tsbpf: ${prog} not attached: ${reason}\n`);
      };
      // As loadObject's default: the JIT runs verified programs, the interpreter (the reference) unverified ones.
      const engine = options.engine ?? (options.verify ? 'jit' : 'interp');
      const durationMs = options.duration !== undefined ? Math.round(options.duration * 1000) : undefined;
      let obj: BpfObject | undefined;
      try {
        // Loaded here first, so a refused program fails the CLI before any command starts.
        obj = await loadObject(path, { engine, verify: options.verify });
        if (command.length === 0) {
          const r = await runInProcess(obj, {
            durationMs, pcap: options.pcap, pcapOut: options.pcapOut, udpProxies, tcpProxies, onEvent: printEvent, onAttach,
            onNote: (t) => process.stderr.write(`tsbpf: ${t}\n`),
            ...(options.sampleFreq !== undefined ? { sampleFreq: options.sampleFreq } : {}),
          });
          if (json) process.stdout.write(`${JSON.stringify({ maps: r.maps, links: r.links, ...(r.pcap ? { pcap: r.pcap } : {}) })}\n`);
          else {
            if (r.pcap) process.stdout.write(`pcap: ${r.pcap.packets} packets, ${Object.entries(r.pcap.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')} (${r.pcap.packetsPerSecond} packets/s)\n`);
            process.stdout.write(mapsText(r.maps));
          }
          return;
        }
        obj.close();
        obj = undefined;
        let failed = false;
        const run = await runCommand(command, {
          object: resolve(path), engine, verify: options.verify, onEvent: printEvent, onAttach,
          onError: (m) => { failed = true; process.stderr.write(`tsbpf: ${m}\n`); },
          ...(durationMs !== undefined ? { durationMs } : {}),
          ...(options.sampleFreq !== undefined ? { sampleFreq: options.sampleFreq } : {}),
        });
        for (const e of run.result?.events ?? []) printEvent(e);
        if (!run.hooked) {
          process.stderr.write(`tsbpf: ${command[0]} did not load tsbpf's hooks (is it a Node.js program?)\n`);
          process.exitCode = EXIT_FAIL;
          return;
        }
        const maps = run.result?.maps ?? {};
        process.stdout.write(json ? `${JSON.stringify({ maps })}\n` : mapsText(maps));
        if (run.result?.error) failed = true;
        const status = run.signal ? `signal ${run.signal}` : `exit code ${run.exitCode}`;
        if (run.exitCode !== 0 && !(durationMs !== undefined && run.signal === 'SIGTERM')) process.stderr.write(`tsbpf: ${command.join(' ')} ended with ${status}\n`);
        if (failed) process.exitCode = EXIT_FAIL;
      } catch (err) {
        if (!(err instanceof TsbpfError) || isTestRunBadInput(err)) throw err;
        process.stderr.write(`tsbpf: ${err.message}\n`);
        process.exitCode = EXIT_FAIL;
      } finally {
        obj?.close();
      }
    });
}
