import { ElfError } from './errors.js';
import type { KconfigExtern, KconfigLayout } from './kconfig-externs.js';

/** What libbpf reads from the machine to fill `__kconfig` externs. */
export interface KconfigSource {
  /** uname -r, for LINUX_KERNEL_VERSION. */
  readonly release: string;
  /** The kernel's Kconfig (`CONFIG_X=y` lines, /boot/config-$(uname -r) or /proc/config.gz), or null when there is none. */
  readonly config: string | null;
  /** LINUX_HAS_SYSCALL_WRAPPER: syscalls enter through __<arch>_sys_* wrappers taking a pt_regs pointer. */
  readonly syscallWrapper: boolean;
  /** LINUX_HAS_BPF_COOKIE: bpf_get_attach_cookie() exists. */
  readonly bpfCookie: boolean;
}

const TRI_NO = 0;
const TRI_YES = 1;
const TRI_MODULE = 2;

/** KERNEL_VERSION(a, b, c) of a release string ("6.18.44-..."), as libbpf's get_kernel_version; 0 when it does not parse. */
export function kernelVersionOf(release: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(release);
  if (m === null) return 0;
  return (Number(m[1]) << 16) + (Number(m[2]) << 8) + Math.min(Number(m[3]), 255);
}

/** Writes one extern's value into the map value, with libbpf's type checks (set_kcfg_value_*). */
class KconfigWriter {
  readonly value: Uint8Array;
  readonly set = new Set<string>();
  private readonly view: DataView;

  constructor(size: number) {
    this.value = new Uint8Array(size);
    this.view = new DataView(this.value.buffer);
  }

  private fail(ext: KconfigExtern, why: string): never {
    throw new ElfError(`extern (kcfg) '${ext.name}': ${why}`, '.kconfig', 0);
  }

  tristate(ext: KconfigExtern, c: 'y' | 'n' | 'm'): void {
    switch (ext.type) {
      case 'bool':
        if (c === 'm') this.fail(ext, `value '${c}' implies tristate or char type`);
        this.value[ext.offset] = c === 'y' ? 1 : 0;
        break;
      case 'tristate':
        this.view.setUint32(ext.offset, c === 'y' ? TRI_YES : c === 'm' ? TRI_MODULE : TRI_NO, true);
        break;
      case 'char':
        this.value[ext.offset] = c.charCodeAt(0);
        break;
      default:
        this.fail(ext, `value '${c}' implies bool, tristate, or char type`);
    }
    this.set.add(ext.name);
  }

  string(ext: KconfigExtern, quoted: string): void {
    if (ext.type !== 'char_arr') this.fail(ext, `value '${quoted}' implies char array type`);
    if (quoted.length < 2 || !quoted.endsWith('"')) this.fail(ext, `invalid string config '${quoted}'`);
    // Too long: truncated, NUL-terminated (libbpf warns).
    const bytes = new TextEncoder().encode(quoted.slice(1, -1)).subarray(0, ext.size - 1);
    this.value.set(bytes, ext.offset);
    this.value[ext.offset + bytes.length] = 0;
    this.set.add(ext.name);
  }

  number(ext: KconfigExtern, n: bigint): void {
    if (ext.type !== 'int' && ext.type !== 'char' && ext.type !== 'bool') this.fail(ext, `value '${n}' implies integer, char, or boolean type`);
    if (ext.type === 'bool' && n > 1n) this.fail(ext, `value '${n}' isn't boolean compatible`);
    const bits = BigInt(ext.size * 8);
    const fits = ext.size === 8 || (ext.signed ? n + (1n << (bits - 1n)) < (1n << bits) : n >> bits === 0n);
    if (!fits) this.fail(ext, `value '${n}' doesn't fit in ${ext.size} bytes`);
    const v = BigInt.asUintN(ext.size * 8, n);
    if (ext.size === 8) this.view.setBigUint64(ext.offset, v, true);
    else for (let i = 0; i < ext.size; i++) this.value[ext.offset + i] = Number((v >> BigInt(8 * i)) & 0xffn);
    this.set.add(ext.name);
  }
}

/** strtoull(s, &end, 0) over the whole string: decimal, 0x hex or 0 octal; null when it is not a number. */
function parseU64(s: string): bigint | null {
  const t = s.trim();
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return BigInt(t);
  if (/^0[0-7]+$/.test(t)) return BigInt(`0o${t.slice(1)}`);
  if (/^-?\d+$/.test(t)) return BigInt.asUintN(64, BigInt(t));
  return null;
}

/**
 * The `.kconfig` map's value, as libbpf's bpf_object__resolve_externs fills
 * it: LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE and LINUX_HAS_SYSCALL_WRAPPER
 * from the source, CONFIG_* from its Kconfig text; an unresolved extern is 0
 * if `__weak`, an error if strong. `source` is asked for only when needed.
 */
export function kconfigValue(layout: KconfigLayout, source: (() => KconfigSource) | undefined): Uint8Array {
  const w = new KconfigWriter(layout.size);
  const need = (): KconfigSource => {
    if (source === undefined) throw new ElfError(`extern (kcfg) '${layout.externs[0].name}': no kernel configuration to fill it from`, '.kconfig', 0);
    return source();
  };
  let needConfig = false;
  for (const ext of layout.externs) {
    if (ext.name.startsWith('CONFIG_')) { needConfig = true; continue; }
    let value = 0n;
    if (ext.name === 'LINUX_KERNEL_VERSION') {
      value = BigInt(kernelVersionOf(need().release));
      if (value === 0n) throw new ElfError(`extern (kcfg) '${ext.name}': failed to get kernel version`, '.kconfig', 0);
    } else if (ext.name === 'LINUX_HAS_BPF_COOKIE') {
      value = need().bpfCookie ? 1n : 0n;
    } else if (ext.name === 'LINUX_HAS_SYSCALL_WRAPPER') {
      value = need().syscallWrapper ? 1n : 0n;
    } else if (!ext.name.startsWith('LINUX_') || !ext.weak) {
      throw new ElfError(`extern (kcfg) '${ext.name}': unrecognized virtual extern`, '.kconfig', 0);
    }
    w.number(ext, value);
  }
  if (needConfig) {
    const config = need().config;
    if (config === null) throw new ElfError('failed to open system Kconfig (/boot/config-$(uname -r) or /proc/config.gz)', '.kconfig', 0);
    const byName = new Map(layout.externs.map((e) => [e.name, e]));
    for (const line of config.split('\n')) {
      if (line.startsWith('#')) continue;
      const sep = line.indexOf('=');
      if (sep < 0) continue;
      const ext = byName.get(line.slice(0, sep));
      if (ext === undefined || w.set.has(ext.name)) continue;
      const value = line.slice(sep + 1);
      if (value === '') throw new ElfError(`failed to parse '${line}': no value`, '.kconfig', 0);
      const c = value[0];
      if (c === 'y' || c === 'n' || c === 'm') w.tristate(ext, c);
      else if (c === '"') w.string(ext, value);
      else {
        const n = parseU64(value);
        if (n === null) throw new ElfError(`extern (kcfg) '${ext.name}': value '${value}' isn't a valid integer`, '.kconfig', 0);
        if (ext.type !== 'int' && ext.type !== 'char') throw new ElfError(`extern (kcfg) '${ext.name}': value '${value}' implies integer type`, '.kconfig', 0);
        w.number(ext, n);
      }
    }
  }
  for (const ext of layout.externs) {
    if (!w.set.has(ext.name) && !ext.weak) throw new ElfError(`extern '${ext.name}' (strong): not resolved`, '.kconfig', 0);
  }
  return w.value;
}
