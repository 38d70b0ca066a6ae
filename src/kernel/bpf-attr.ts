import koffi from 'koffi';
import { BPF_ATTR_SIZE, BPF_OBJ_NAME_LEN } from './uapi.js';

/**
 * A `union bpf_attr` being filled for one bpf() call: little-endian fields at
 * the uapi offsets, and user pointers (`__aligned_u64`) to buffers that this
 * object keeps alive until the call has returned.
 */
export class BpfAttr {
  readonly bytes = new Uint8Array(new ArrayBuffer(BPF_ATTR_SIZE));
  private readonly view = new DataView(this.bytes.buffer);
  private readonly pinned: Uint8Array[] = [];

  u32(offset: number, value: number): this {
    this.view.setUint32(offset, value >>> 0, true);
    return this;
  }

  u64(offset: number, value: bigint): this {
    this.view.setBigUint64(offset, BigInt.asUintN(64, value), true);
    return this;
  }

  /** Stores the address of `buffer`'s first byte (0 for an empty or absent buffer). */
  pointer(offset: number, buffer: Uint8Array | undefined): this {
    if (!buffer || buffer.length === 0) return this.u64(offset, 0n);
    // Reading .buffer moves a small typed array's storage off the V8 heap, where it never moves.
    void buffer.buffer;
    this.pinned.push(buffer);
    return this.u64(offset, koffi.address(buffer));
  }

  /** A NUL-terminated name of at most BPF_OBJ_NAME_LEN - 1 bytes (longer names are cut). */
  name(offset: number, name: string | undefined): this {
    if (!name) return this;
    const bytes = new TextEncoder().encode(name).subarray(0, BPF_OBJ_NAME_LEN - 1);
    this.bytes.set(bytes, offset);
    return this;
  }

  readU32(offset: number): number {
    return this.view.getUint32(offset, true);
  }
}

/** A NUL-terminated C string in a fresh buffer, for pointer fields. */
export function cString(text: string): Uint8Array {
  const encoded = new TextEncoder().encode(text);
  const bytes = new Uint8Array(encoded.length + 1);
  bytes.set(encoded);
  return bytes;
}
