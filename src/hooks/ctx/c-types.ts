/**
 * The C scalar types that hook context structs use, as clang lays them out
 * for `-target bpf` (LP64: long is 8 bytes). `base` is the BTF integer a
 * typedef such as `__u32` resolves to, as <linux/types.h> defines it.
 */
export interface CScalar {
  /** The spelling in C: `__u32`, `unsigned long`, `char`. */
  readonly c: string;
  readonly size: number;
  readonly signed: boolean;
  /** BTF_INT_CHAR: `char`, whose arrays tools print as strings. */
  readonly char: boolean;
  /** For typedefs (`__u32`), the integer type they name; null for base integers. */
  readonly base: string | null;
}

const int = (c: string, size: number, signed: boolean, char = false): CScalar => ({ c, size, signed, char, base: null });
const typedef = (c: string, base: CScalar): CScalar => ({ ...base, c, base: base.c });

const CHAR = int('char', 1, true, true);
const UCHAR = int('unsigned char', 1, false);
const SHORT = int('short', 2, true);
const USHORT = int('unsigned short', 2, false);
const INT = int('int', 4, true);
const UINT = int('unsigned int', 4, false);
const LONG = int('long', 8, true);
const ULONG = int('unsigned long', 8, false);
const LLONG = int('long long', 8, true);
const ULLONG = int('unsigned long long', 8, false);

/** Every scalar a context field may have, by its C spelling. */
export const C_SCALARS = {
  char: CHAR,
  'unsigned char': UCHAR,
  short: SHORT,
  'unsigned short': USHORT,
  int: INT,
  'unsigned int': UINT,
  long: LONG,
  'unsigned long': ULONG,
  'long long': LLONG,
  'unsigned long long': ULLONG,
  __u8: typedef('__u8', UCHAR),
  __u16: typedef('__u16', USHORT),
  __u32: typedef('__u32', UINT),
  __u64: typedef('__u64', ULLONG),
  __s16: typedef('__s16', SHORT),
  __s32: typedef('__s32', INT),
  __s64: typedef('__s64', LLONG),
} as const satisfies Record<string, CScalar>;

export type CScalarName = keyof typeof C_SCALARS;
