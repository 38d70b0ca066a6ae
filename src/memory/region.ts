/** What a region of the arena holds; names follow the verifier's pointer types. */
export type RegionKind =
  | 'stack' | 'ctx' | 'packet' | 'packet_meta' | 'map_value' | 'map_key' | 'ringbuf'
  | 'global' | 'mem' | 'scratch';

/** A contiguous range of the arena that programs may access, with its rights. */
export interface Region {
  /** Byte offset of the first byte in the arena. */
  readonly start: number;
  /** Byte offset one past the last byte. */
  readonly end: number;
  readonly kind: RegionKind;
  /** Human-readable name for errors, e.g. `stack`, `map counts value`. */
  readonly name: string;
  readonly writable: boolean;
}
