import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { kernelVersionOf, type KconfigSource } from './kconfig-values.js';

/** libbpf's arch_specific_syscall_pfx(), by Node.js arch name. */
const SYSCALL_PREFIX: Readonly<Record<string, string>> = { x64: 'x64', ia32: 'ia32', arm64: 'arm64', arm: 'arm', s390x: 's390x', riscv64: 'riscv', ppc64: 'powerpc', loong64: 'loongarch' };

function readConfig(rel: string): string | null {
  for (const [path, gz] of [[`/boot/config-${rel}`, false], ['/proc/config.gz', true]] as const) {
    try {
      const bytes = readFileSync(path);
      // gzopen() reads plain files too.
      return (gz || (bytes[0] === 0x1f && bytes[1] === 0x8b) ? gunzipSync(bytes) : bytes).toString('latin1');
    } catch {
      // next candidate
    }
  }
  return null;
}

/**
 * libbpf's probe_kern_syscall_wrapper(): whether a kprobe can be put on
 * __<arch>_sys_bpf. That needs the symbol and kprobes (the kprobe PMU, or
 * tracefs kprobe_events in legacy mode): a kernel built without
 * CONFIG_KPROBES answers no even though its syscalls have wrappers.
 */
function hasSyscallWrapper(): boolean {
  const prefix = SYSCALL_PREFIX[process.arch];
  if (prefix === undefined) return false;
  const kprobes = ['/sys/bus/event_source/devices/kprobe/type', '/sys/kernel/tracing/kprobe_events', '/sys/kernel/debug/tracing/kprobe_events'].some((p) => existsSync(p));
  if (!kprobes) return false;
  try {
    return new RegExp(` __${prefix}_sys_bpf$`, 'm').test(readFileSync('/proc/kallsyms', 'latin1'));
  } catch {
    return false;
  }
}

let cached: KconfigSource | undefined;

/**
 * This machine's answers for `__kconfig` externs, as libbpf gets them: the
 * release from uname, the Kconfig from /boot or /proc/config.gz, the
 * syscall wrapper from kallsyms and kprobes, bpf cookies from the version
 * (Linux 5.15).
 * Read once, on first use.
 */
export function hostKconfig(): KconfigSource {
  if (cached !== undefined) return cached;
  const rel = release();
  cached = { release: rel, config: readConfig(rel), syscallWrapper: hasSyscallWrapper(), bpfCookie: kernelVersionOf(rel) >= (5 << 16) + (15 << 8) };
  return cached;
}
