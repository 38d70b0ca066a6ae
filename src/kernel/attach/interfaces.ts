import { libc } from '../libc/libc.js';
import { NoSuchInterfaceError, type AttachKind } from './errors.js';

/** A network interface by name (`eth0`) or index. */
export type NetworkInterface = string | number;

/** The interface's index in this process's network namespace (if_nametoindex), or NoSuchInterfaceError. */
export function interfaceIndex(iface: NetworkInterface, kind: AttachKind): number {
  if (typeof iface === 'number') {
    if (!Number.isInteger(iface) || iface <= 0) throw new NoSuchInterfaceError(kind, `ifindex ${iface}`);
    return iface;
  }
  // IFNAMSIZ is 16 with the NUL; if_nametoindex cannot find longer names anyway.
  const index = iface.length > 0 && iface.length < 16 ? libc().if_nametoindex(iface) : 0;
  if (index === 0) throw new NoSuchInterfaceError(kind, iface);
  return index;
}

/** `eth0 (ifindex 2)` for messages and link targets. */
export function describeInterface(iface: NetworkInterface, index: number): string {
  return typeof iface === 'number' ? `ifindex ${index}` : `${iface} (ifindex ${index})`;
}
