import * as R from '../ext.js';

export const isFieldRelo = (kind: number): boolean => kind <= R.BPF_CORE_FIELD_RSHIFT_U64;
export const isTypeRelo = (kind: number): boolean =>
  (kind >= R.BPF_CORE_TYPE_ID_LOCAL && kind <= R.BPF_CORE_TYPE_SIZE) || kind === R.BPF_CORE_TYPE_MATCHES;
export const isEnumRelo = (kind: number): boolean =>
  kind === R.BPF_CORE_ENUMVAL_EXISTS || kind === R.BPF_CORE_ENUMVAL_VALUE;

/** The relocation's kind as libbpf names it in messages (`byte_off`, `field_exists`, ...). */
export const reloKindName = (kind: number): string => R.BPF_CORE_RELO_KIND_NAMES[kind] ?? `kind ${kind}`;

/** A type name without libbpf's `___flavor` suffix. */
export function essentialName(name: string): string {
  const at = name.indexOf('___');
  return at > 0 ? name.slice(0, at) : name;
}
