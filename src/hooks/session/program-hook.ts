import { sectionMeaning } from '../../elf/section-names.js';
import type { HookPoint } from '../hook-point.js';
import type { HookProgram } from '../program.js';
import { resolveHook, type HookTargetOptions } from '../resolve.js';

/**
 * The hook a program's section names, for attaching a whole object:
 * the section itself where it names one (tracepoint/..., uprobe/..., xdp...),
 * or a reason to leave the program unattached (no section, a packet
 * program without an interface, a section type tsbpf has no hook for).
 */
export function hookOfSection(program: HookProgram, options: HookTargetOptions): { hook: HookPoint } | { skip: string } {
  const section = program.section;
  if (section === '') return { skip: 'it has no section' };
  const meaning = sectionMeaning(section);
  const family = section.split('/')[0];
  if ((family === 'xdp' || family === 'socket') && options.interface === undefined) {
    return { skip: `${family} programs need an interface (--pcap, --udp-proxy or --tcp-proxy)` };
  }
  if (!meaning && !['perf_event'].includes(family)) return { skip: `section ${section} names no hook tsbpf knows` };
  return { hook: resolveHook(section, options) };
}
