// Module customization hooks (node:module register()) that let tsbpf probe
// exports of ES modules: a probed module is replaced by a facade that
// re-exports the original and wraps the probed exports through the registry
// tsbpf puts on globalThis (see esm-registry.ts). Runs on Node's loader
// thread: no imports of tsbpf's other modules.

interface LoaderTarget {
  /** file: URL of the module. */
  readonly url: string;
  readonly filename: string;
  /** Top-level export names to wrap (`default` included). */
  readonly exports: readonly string[];
}

interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}

type NextLoad = (url: string, context: LoadContext) => Promise<LoadResult>;
interface LoadContext { format?: string | null; conditions?: string[]; importAttributes?: Record<string, string> }

const ORIGINAL = 'tsbpf-original';
const targets = new Map<string, LoaderTarget>();

export async function initialize(data: { targets: readonly LoaderTarget[] } | undefined): Promise<void> {
  for (const t of data?.targets ?? []) {
    const known = targets.get(t.url);
    targets.set(t.url, known ? { ...t, exports: [...new Set([...known.exports, ...t.exports])] } : t);
  }
}

const sourceText = (s: LoadResult['source']): string =>
  s == null ? '' : typeof s === 'string' ? s : new TextDecoder().decode(s instanceof Uint8Array ? s : new Uint8Array(s));

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<LoadResult> {
  const target = targets.get(url);
  if (!target) return nextLoad(url, context);
  const original = await nextLoad(url, context);
  if (original.format !== 'module') return original;
  const from = JSON.stringify(`${url}${url.includes('?') ? '&' : '?'}${ORIGINAL}`);
  const text = sourceText(original.source);
  const hasDefault = /\bexport\s+default\b|\bas\s+default\b/.test(text);
  const lines = [
    `import * as __tsbpf_original from ${from};`,
    `export * from ${from};`,
    `const __tsbpf = globalThis[Symbol.for('tsbpf.uprobes')];`,
    `const __tsbpf_wrap = (name, fn) => (__tsbpf && typeof fn === 'function') ? __tsbpf.wrapExport(${JSON.stringify(target.filename)}, name, fn) : fn;`,
  ];
  target.exports.forEach((name, i) => {
    lines.push(`const __tsbpf_${i} = __tsbpf_wrap(${JSON.stringify(name)}, __tsbpf_original[${JSON.stringify(name)}]);`);
    lines.push(`export { __tsbpf_${i} as ${JSON.stringify(name)} };`);
  });
  if (hasDefault && !target.exports.includes('default')) lines.push(`export { default } from ${from};`);
  return { format: 'module', source: lines.join('\n'), shortCircuit: true };
}
