import { ENOENT } from './errno.js';

/**
 * array_map_get_next_key(), for every map keyed by a u32 index: writes the
 * index after the one at `keyOffset` to `nextOffset` (0 without a key, or for
 * one out of range); -ENOENT after the last.
 */
export function arrayGetNextKey(view: DataView, keyOffset: number | null, nextOffset: number, maxEntries: number): number {
  const index = keyOffset === null ? 0xffffffff : view.getUint32(keyOffset, true);
  if (index >= maxEntries) {
    view.setUint32(nextOffset, 0, true);
    return 0;
  }
  if (index === maxEntries - 1) return -ENOENT;
  view.setUint32(nextOffset, index + 1, true);
  return 0;
}
