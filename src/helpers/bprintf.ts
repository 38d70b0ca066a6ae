import { EINVAL, ENOSPC } from '../maps/errno.js';

// The formatting behind bpf_trace_printk, bpf_trace_vprintk and bpf_snprintf:
// the kernel's bpf_bprintf_prepare() (which conversions are allowed, how
// string arguments are copied) followed by bstr_printf() (vsnprintf rules).
// Supported: %d %i %u %x %X with l/ll, %c, %s, %%, %p %pK %px %ps %pS %pB
// %pks %pus %pi4 %pI4 %pi6 %pI6, flags 0 + - space and a width. Precision,
// %#x, %h*, %o, %z* and the rest are refused with -EINVAL, as in the kernel.
// %p prints the raw pointer (the kernel prints a hash of it), %ps/%pS/%pB
// print 0x<hex> (the kernel's output for an address without a symbol).

/** MAX_BPRINTF_BIN_ARGS: bytes of the binary argument buffer (strings included). */
const MAX_BPRINTF_BIN_ARGS = 512;

/** Reads memory for %s and %pI4/%pI6 the way the kernel's nofault copies do. */
export interface BprintfMemory {
  /** A NUL-terminated string of at most `max` bytes (NUL included; longer ones truncated), or null on a fault. */
  string(pointer: bigint, max: number): Uint8Array | null;
  /** `size` bytes, or null on a fault. */
  bytes(pointer: bigint, size: number): Uint8Array | null;
}

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isPrint = (c: number): boolean => c >= 0x20 && c <= 0x7e;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlnum = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isPunct = (c: number): boolean => isPrint(c) && c !== 0x20 && !isAlnum(c);
/** A %p or %s may only be followed by the end, a space or punctuation. */
const endsConversion = (c: number | undefined): boolean => c === undefined || c === 0 || isSpace(c) || isPunct(c);
const ch = (s: string): number => s.charCodeAt(0);

interface Spec {
  left: boolean;
  plus: boolean;
  space: boolean;
  zero: boolean;
  width: number;
}

const latin1 = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/** lib/vsprintf.c number(): sign, zero or space padding, width. */
function formatNumber(out: number[], digits: string, negative: boolean, signed: boolean, spec: Spec): void {
  const zero = spec.zero && !spec.left;
  let sign = '';
  if (signed) {
    if (negative) sign = '-';
    else if (spec.plus) sign = '+';
    else if (spec.space) sign = ' ';
  }
  let pad = spec.width - sign.length - digits.length;
  if (!zero && !spec.left) while (pad-- > 0) out.push(0x20);
  out.push(...latin1(sign));
  if (zero) while (pad-- > 0) out.push(0x30);
  out.push(...latin1(digits));
  if (spec.left) while (pad-- > 0) out.push(0x20);
}

/** lib/vsprintf.c string()/widen_string(): space padding to the width. */
function formatPadded(out: number[], bytes: ArrayLike<number>, spec: Spec): void {
  const pad = spec.width - bytes.length;
  if (!spec.left) for (let i = 0; i < pad; i++) out.push(0x20);
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]);
  if (spec.left) for (let i = 0; i < pad; i++) out.push(0x20);
}

const hex16 = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, '0');

function formatIp(kind: number, version: number, ip: Uint8Array): string {
  if (version === 4) {
    const parts = Array.from(ip, (b) => String(b));
    return kind === ch('i') ? parts.map((p) => p.padStart(3, '0')).join('.') : parts.join('.');
  }
  const h = Array.from(ip, (b) => b.toString(16).padStart(2, '0')).join('');
  if (kind === ch('i')) return h;
  return h.match(/.{4}/g)!.join(':');
}

/**
 * Formats `fmt` (the bytes before its NUL) with `args` (u64 each, the
 * kernel's raw_args). Returns the whole output (before any truncation to a
 * buffer) or a negative errno: -EINVAL for a conversion the kernel refuses,
 * a non-printable byte, or more conversions than arguments; -ENOSPC when the
 * arguments overflow the kernel's 512-byte argument buffer.
 */
export function bprintf(fmt: Uint8Array, args: readonly bigint[], mem: BprintfMemory): Uint8Array | number {
  const out: number[] = [];
  let spec = 0;
  // Bytes of the kernel's binary argument buffer used so far (it exists only when there are arguments).
  let used = 0;
  const bin = args.length > 0;
  const reserve = (bytes: number, align: boolean): boolean => {
    if (!bin) return true;
    if (align) used = (used + 3) & ~3;
    if (MAX_BPRINTF_BIN_ARGS - used < bytes) return false;
    used += bytes;
    return true;
  };
  const at = (i: number): number | undefined => (i < fmt.length ? fmt[i] : undefined);

  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if ((!isPrint(c) && !isSpace(c)) || c > 0x7f) return -EINVAL;
    if (c !== ch('%')) {
      out.push(c);
      continue;
    }
    if (at(i + 1) === ch('%')) {
      out.push(c);
      i++;
      continue;
    }
    if (spec >= args.length) return -EINVAL;
    const arg = BigInt.asUintN(64, args[spec]);
    i++;
    const s: Spec = { left: false, plus: false, space: false, zero: false, width: 0 };
    for (let f = at(i); f === ch('0') || f === ch('+') || f === ch('-') || f === ch(' '); f = at(++i)) {
      if (f === ch('0')) s.zero = true;
      else if (f === ch('+')) s.plus = true;
      else if (f === ch('-')) s.left = true;
      else s.space = true;
    }
    if ((at(i) ?? 0) >= ch('1') && (at(i) ?? 0) <= ch('9')) {
      while (isDigit(at(i) ?? 0)) s.width = s.width * 10 + (fmt[i++] - 0x30);
    }
    const conv = at(i);
    const next = at(i + 1);
    if (conv === ch('p')) {
      // Pointer conversions: the raw pointer, a symbol, a string, or an IP address read from memory.
      let text: string;
      if (endsConversion(next)) {
        if (!reserve(8, true)) return -ENOSPC;
        text = hex16(arg);
      } else if ((next === ch('k') || next === ch('u')) && at(i + 2) === ch('s')) {
        i += 2;
        if (!endsConversion(at(i + 1))) return -EINVAL;
        if (bin && used >= MAX_BPRINTF_BIN_ARGS) return -ENOSPC;
        const str = mem.string(arg, MAX_BPRINTF_BIN_ARGS - used) ?? new Uint8Array(0);
        used += str.length + 1;
        out.push(...str);
        spec++;
        continue;
      } else if (next === ch('K') || next === ch('x')) {
        if (!reserve(8, true)) return -ENOSPC;
        i++;
        text = hex16(arg);
      } else if (next === ch('s') || next === ch('S') || next === ch('B')) {
        if (!reserve(8, true)) return -ENOSPC;
        i++;
        text = `0x${arg.toString(16)}`;
      } else if ((next === ch('i') || next === ch('I')) && (at(i + 2) === ch('4') || at(i + 2) === ch('6'))) {
        const version = at(i + 2) === ch('4') ? 4 : 6;
        const size = version === 4 ? 4 : 16;
        i += 2;
        if (bin && MAX_BPRINTF_BIN_ARGS - used < size) return -ENOSPC;
        const ip = mem.bytes(arg, size) ?? new Uint8Array(size);
        text = formatIp(next, version, ip);
        used += text.length + 1;
      } else {
        return -EINVAL;
      }
      out.push(...latin1(text));
      // vsnprintf skips the alphanumerics that follow a pointer conversion.
      while (isAlnum(at(i + 1) ?? 0)) i++;
      spec++;
      continue;
    }
    if (conv === ch('s')) {
      if (!endsConversion(next)) return -EINVAL;
      if (bin && used >= MAX_BPRINTF_BIN_ARGS) return -ENOSPC;
      const str = mem.string(arg, MAX_BPRINTF_BIN_ARGS - used) ?? new Uint8Array(0);
      used += str.length + 1;
      formatPadded(out, str, s);
      spec++;
      continue;
    }
    if (conv === ch('c')) {
      if (bin && used >= MAX_BPRINTF_BIN_ARGS) return -ENOSPC;
      used++;
      formatPadded(out, [Number(arg & 0xffn)], s);
      spec++;
      continue;
    }
    let size = 4;
    if (at(i) === ch('l')) {
      size = 8;
      i++;
    }
    if (at(i) === ch('l')) i++;
    const kind = at(i);
    if (kind !== ch('i') && kind !== ch('d') && kind !== ch('u') && kind !== ch('x') && kind !== ch('X')) return -EINVAL;
    if (!reserve(size, true)) return -ENOSPC;
    const bits = size * 8;
    const signed = kind === ch('d') || kind === ch('i');
    const value = signed ? BigInt.asIntN(bits, arg) : BigInt.asUintN(bits, arg);
    const negative = value < 0n;
    const magnitude = negative ? -value : value;
    let digits = kind === ch('x') || kind === ch('X') ? magnitude.toString(16) : magnitude.toString(10);
    if (kind === ch('X')) digits = digits.toUpperCase();
    formatNumber(out, digits, negative, signed, s);
    spec++;
  }
  return Uint8Array.from(out);
}
