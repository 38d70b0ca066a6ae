import { readFileSync } from 'node:fs';
import { Btf } from './btf.js';
import { BtfError } from './errors.js';

export const VMLINUX_BTF_PATH = '/sys/kernel/btf/vmlinux';
let cached: Btf | null = null;

/** The running kernel's BTF (parsed once per process); BtfError if the machine has none. */
export function loadVmlinuxBtf(path = VMLINUX_BTF_PATH): Btf {
  if (path === VMLINUX_BTF_PATH && cached !== null) return cached;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new BtfError(`cannot read kernel BTF: ${(e as Error).message}`, path, 0);
  }
  const btf = new Btf(bytes, { section: path });
  if (path === VMLINUX_BTF_PATH) cached = btf;
  return btf;
}
