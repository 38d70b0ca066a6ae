import type { CtxImage } from '../ctx/image.js';
import type { UserMemory } from '../ctx/user-memory.js';
import { ArgKind } from './uprobe-ctx.js';

/** Where one value goes in the ctx: its register, kind byte and length word. */
export interface ValueSlot {
  readonly reg: number;
  readonly kind: number;
  readonly len: number;
}

/**
 * Puts a JavaScript value in a register as a C function would see it:
 * integers as two's complement u64 (fractions truncated), booleans 0/1,
 * bigints mod 2^64, strings and byte arrays as pointers to copies in user
 * memory (their length beside), everything else as 0 with its kind.
 * Returns true when a string or buffer was cut.
 */
export function marshalValue(img: CtxImage, mem: UserMemory, at: ValueSlot, value: unknown): boolean {
  switch (typeof value) {
    case 'undefined':
      img.u8(at.kind, ArgKind.Undefined);
      return false;
    case 'boolean':
      img.u8(at.kind, ArgKind.Boolean);
      img.u64(at.reg, value ? 1 : 0);
      return false;
    case 'number':
      if (Number.isInteger(value)) {
        img.u8(at.kind, ArgKind.Integer);
        img.u64(at.reg, Number.isSafeInteger(value) ? value : BigInt(value));
      } else {
        img.u8(at.kind, ArgKind.Float);
        img.u64(at.reg, Number.isFinite(value) ? Math.trunc(value) : 0);
      }
      return false;
    case 'bigint':
      img.u8(at.kind, ArgKind.BigInt);
      img.u64(at.reg, value);
      return false;
    case 'string': {
      img.u8(at.kind, ArgKind.String);
      img.u32(at.len, mem.string(img, at.reg, value));
      return mem.lastTruncated;
    }
    case 'function':
      img.u8(at.kind, ArgKind.Function);
      return false;
    case 'symbol':
      img.u8(at.kind, ArgKind.Symbol);
      return false;
    default: {
      if (value === null) {
        img.u8(at.kind, ArgKind.Null);
        return false;
      }
      const bytes = bytesOf(value as object);
      if (!bytes) {
        img.u8(at.kind, ArgKind.Object);
        return false;
      }
      img.u8(at.kind, ArgKind.Bytes);
      img.u32(at.len, mem.data(img, at.reg, bytes));
      return mem.lastTruncated;
    }
  }
}

function bytesOf(value: object): Uint8Array | null {
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return null;
}
