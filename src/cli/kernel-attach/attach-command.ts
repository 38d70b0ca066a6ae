import { existsSync } from 'node:fs';
import { TsbpfError } from '../../errors.js';
import type { SessionEvent } from '../../hooks/session/attach-session.js';
import { AttachTargetError } from '../../kernel/attach/errors.js';
import { kernelAvailable } from '../../kernel/probe.js';
import type { BpfObject } from '../../object/bpf-object.js';
import { loadObject } from '../../object/load-object.js';
import { eventText, mapsText } from '../attach/print.js';
import { CliInputError } from '../errors.js';
import { isTestRunBadInput } from '../test-run/failure.js';
import { runKernelAttach } from './run-kernel-attach.js';

import { EXIT_FAIL } from '../exit-codes.js';

/** The `tsbpf attach` options the kernel path reads. */
export interface KernelAttachCommandOptions {
  readonly duration?: number;
  readonly json?: boolean;
  readonly sampleFreq?: number;
  readonly pcap?: string;
  readonly udpProxy: readonly string[];
  readonly tcpProxy: readonly string[];
}

/**
 * `tsbpf attach OBJ --backend kernel [--duration S] [--json] [-- COMMAND…]`:
 * the object loaded into the kernel, its programs attached through bpf links
 * where their sections say, events and maps printed as the VM path prints
 * them. The programs see the whole system (COMMAND just runs meanwhile).
 * Bad input exits 2 (via main); a refusal by the kernel, 1.
 */
export async function attachInKernel(path: string, command: readonly string[], options: KernelAttachCommandOptions): Promise<void> {
  if (!existsSync(path)) throw new CliInputError(`${path}: no such file`);
  if (options.pcap !== undefined || options.udpProxy.length > 0 || options.tcpProxy.length > 0) {
    throw new CliInputError('--pcap and the proxies feed tsbpf\'s VM hooks: with --backend kernel, programs see the real traffic');
  }
  const available = kernelAvailable();
  if (!available.ok) {
    process.stderr.write(`tsbpf: attach --backend kernel: ${available.reason}\n`);
    process.exitCode = EXIT_FAIL;
    return;
  }
  const json = options.json === true;
  const printEvent = (e: SessionEvent): void => {
    process.stdout.write(json ? `${JSON.stringify({ event: e })}\n` : eventText(e));
  };
  let obj: BpfObject<'kernel'> | undefined;
  try {
    obj = await loadObject(path, { backend: 'kernel' });
    const result = await runKernelAttach(obj, {
      ...(options.duration !== undefined ? { durationMs: Math.round(options.duration * 1000) } : {}),
      command,
      commandStdoutToStderr: json,
      ...(options.sampleFreq !== undefined ? { attach: { frequency: Math.round(options.sampleFreq) } } : {}),
      onEvent: printEvent,
      onAttach: (prog, hook, reason) => process.stderr.write(hook ? `tsbpf: attached ${prog} to ${hook}\n` : `tsbpf: ${prog} not attached: ${reason}\n`),
    });
    process.stdout.write(json ? `${JSON.stringify({ maps: result.maps, links: result.links })}\n` : mapsText(result.maps));
    if (command.length > 0 && result.exitCode !== 0) process.stderr.write(`tsbpf: ${command.join(' ')} ended with exit code ${result.exitCode}\n`);
  } catch (err) {
    if (err instanceof AttachTargetError) throw new CliInputError(err.message);
    if (isTestRunBadInput(err) || !(err instanceof TsbpfError)) throw err;
    process.stderr.write(`tsbpf: ${err.message}\n`);
    process.exitCode = EXIT_FAIL;
  } finally {
    obj?.close();
  }
}
