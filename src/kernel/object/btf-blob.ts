import { BTF_HEADER_SIZE, BTF_MAGIC, BTF_VERSION } from '../../btf/kinds.js';

/**
 * Builds a raw BTF blob (header, type section, string section) from type
 * records given as u32 words and a string section starting with the empty
 * string. Used for feature probes and for rewritten (sanitised) BTF.
 */
export function buildBtfBlob(typeWords: readonly number[] | Uint8Array, strings: Uint8Array): Uint8Array {
  const types = typeWords instanceof Uint8Array ? typeWords : wordsToBytes(typeWords);
  const out = new Uint8Array(BTF_HEADER_SIZE + types.length + strings.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, BTF_MAGIC, true);
  out[2] = BTF_VERSION;
  out[3] = 0;
  view.setUint32(4, BTF_HEADER_SIZE, true);
  view.setUint32(8, 0, true);
  view.setUint32(12, types.length, true);
  view.setUint32(16, types.length, true);
  view.setUint32(20, strings.length, true);
  out.set(types, BTF_HEADER_SIZE);
  out.set(strings, BTF_HEADER_SIZE + types.length);
  return out;
}

function wordsToBytes(words: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  return bytes;
}

/** A string section from names: `\0` first, then each name NUL-terminated; returns offsets too. */
export function stringSection(names: readonly string[]): { bytes: Uint8Array; offsets: number[] } {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [new Uint8Array(1)];
  const offsets: number[] = [];
  let at = 1;
  for (const name of names) {
    const encoded = encoder.encode(name);
    offsets.push(at);
    parts.push(encoded, new Uint8Array(1));
    at += encoded.length + 1;
  }
  const bytes = new Uint8Array(at);
  let pos = 0;
  for (const p of parts) { bytes.set(p, pos); pos += p.length; }
  return { bytes, offsets };
}

/** btf_type.info: kind, vlen and kind_flag. */
export const btfInfo = (kind: number, vlen = 0, kindFlag = false): number => ((kindFlag ? 1 << 31 : 0) | (kind << 24) | vlen) >>> 0;
