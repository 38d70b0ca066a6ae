import { resolve } from 'node:path';
import { KernelMap, mapTypeNumber, type MapCreateOptions } from './map.js';
import { openPinnedOfKind, pinFd, PinError, PinExistsError, PinMismatchError } from './pin.js';
import { KernelProgram } from './program.js';
import { BpfMapType, enumName } from './uapi.js';

/** Opens the map pinned at `path` (BPF_OBJ_GET); closing it leaves the pin. */
export function openPinnedMap(path: string): KernelMap {
  return KernelMap.fromFd(openPinnedOfKind(path, 'map'));
}

/** Opens the program pinned at `path` (BPF_OBJ_GET); closing it leaves the pin. */
export function openPinnedProgram(path: string): KernelProgram {
  return KernelProgram.fromFd(openPinnedOfKind(path, 'program'));
}

/** How a pinned map differs from a definition (libbpf's map_is_reuse_compat): empty when it can be reused. */
export function pinnedMapMismatches(map: KernelMap, want: MapCreateOptions): string[] {
  const info = map.info();
  const out: string[] = [];
  const wantType = mapTypeNumber(want.type);
  if (info.type !== wantType) out.push(`type is ${enumName(BpfMapType, info.type)}, not ${enumName(BpfMapType, wantType)}`);
  if (info.keySize !== want.keySize) out.push(`key_size is ${info.keySize}, not ${want.keySize}`);
  if (info.valueSize !== want.valueSize) out.push(`value_size is ${info.valueSize}, not ${want.valueSize}`);
  if (info.maxEntries !== want.maxEntries) out.push(`max_entries is ${info.maxEntries}, not ${want.maxEntries}`);
  if (info.mapFlags !== (want.flags ?? 0)) out.push(`map_flags is 0x${info.mapFlags.toString(16)}, not 0x${(want.flags ?? 0).toString(16)}`);
  return out;
}

/** What to do when a map is already pinned at the path. */
export type PinnedMapPolicy = 'reuse' | 'error';

/**
 * A map pinned by name, as libbpf's LIBBPF_PIN_BY_NAME: when a compatible
 * map is pinned at `path` it is reused (its contents kept; `reused: true`),
 * an incompatible one throws PinMismatchError naming each difference; else
 * the map is created and pinned there. With policy 'error', any map already
 * at the path throws PinExistsError.
 */
export function createOrReusePinnedMap(options: MapCreateOptions, path: string, policy: PinnedMapPolicy = 'reuse'): { map: KernelMap; reused: boolean } {
  const absolute = resolve(path);
  for (let attempt = 0; ; attempt++) {
    let existing: KernelMap | undefined;
    try {
      existing = openPinnedMap(absolute);
    } catch (err) {
      if (!(err instanceof PinError) || err instanceof PinMismatchError || !err.reason.startsWith('nothing is pinned')) throw err;
    }
    if (existing) {
      if (policy === 'error') {
        existing.close();
        throw new PinExistsError(absolute, 'map');
      }
      const mismatches = pinnedMapMismatches(existing, options);
      if (mismatches.length > 0) {
        existing.close();
        throw new PinMismatchError(absolute, mismatches);
      }
      return { map: existing, reused: true };
    }
    const map = KernelMap.create(options);
    try {
      pinFd(map.fd, absolute);
      return { map, reused: false };
    } catch (err) {
      map.close();
      // Another process pinned one between our look and our pin: look again, once.
      if (err instanceof PinExistsError && attempt === 0) continue;
      throw err;
    }
  }
}
