import type { SessionEvent } from '../../hooks/session/attach-session.js';

/** One event as the CLI prints it: trace_pipe lines as they are, records formatted or in hex. */
export function eventText(e: SessionEvent): string {
  if (e.kind === 'trace') return e.line.endsWith('\n') ? e.line : `${e.line}\n`;
  const body = e.formatted !== undefined ? `${e.type} ${JSON.stringify(e.formatted)}` : e.data;
  return `[${e.kind} ${e.map}] ${body}\n`;
}

interface DumpEntry {
  readonly key?: readonly string[];
  readonly value?: readonly string[] | { readonly error: string };
  readonly values?: ReadonlyArray<{ readonly cpu: number; readonly value: readonly string[] }>;
  readonly formatted?: { readonly key?: unknown; readonly value?: unknown; readonly values?: unknown };
}

const bytes = (b: readonly string[] | undefined): string => (b ?? []).map((x) => x.slice(2)).join(' ');

/** Every map's contents as text: one line per entry, from its bpftool JSON dump (BTF-formatted where it can). */
export function mapsText(maps: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [name, dump] of Object.entries(maps)) {
    const entries = dump as readonly DumpEntry[];
    out.push(`map ${name}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`);
    for (const e of entries) {
      if (e.formatted) {
        const value = e.formatted.values ?? e.formatted.value;
        // Global data maps (.data, .rodata, .bss) have no key of their own to show.
        out.push(e.formatted.key === undefined ? `  ${JSON.stringify(value)}` : `  ${JSON.stringify(e.formatted.key)} => ${JSON.stringify(value)}`);
      } else if (e.values) {
        out.push(`  key: ${bytes(e.key)}  ${e.values.map((v) => `cpu${v.cpu}: ${bytes(v.value)}`).join('  ')}`);
      } else if (e.value && 'error' in e.value) {
        out.push(`  key: ${bytes(e.key)}  error: ${e.value.error}`);
      } else {
        out.push(`  key: ${bytes(e.key)}  value: ${bytes(e.value as readonly string[] | undefined)}`);
      }
    }
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
