// Register types with the kernel's names (enum bpf_reg_type) and the flag
// bits it combines with them (PTR_MAYBE_NULL, MEM_RDONLY, MEM_RINGBUF).

export enum RegType {
  NOT_INIT = 0,
  SCALAR_VALUE,
  PTR_TO_CTX,
  CONST_PTR_TO_MAP,
  PTR_TO_MAP_VALUE,
  PTR_TO_MAP_KEY,
  PTR_TO_STACK,
  PTR_TO_PACKET_META,
  PTR_TO_PACKET,
  PTR_TO_PACKET_END,
  PTR_TO_FLOW_KEYS,
  PTR_TO_SOCKET,
  PTR_TO_SOCK_COMMON,
  PTR_TO_TCP_SOCK,
  PTR_TO_TP_BUFFER,
  PTR_TO_XDP_SOCK,
  PTR_TO_BTF_ID,
  PTR_TO_MEM,
  PTR_TO_BUF,
  PTR_TO_FUNC,
}

/** Flag bits above the base type, as the kernel's enum bpf_type_flag. */
export const PTR_MAYBE_NULL = 1 << 8;
export const MEM_RDONLY = 1 << 9;
export const MEM_RINGBUF = 1 << 10;
export const MEM_UNINIT = 1 << 11;
export const PTR_UNTRUSTED = 1 << 12;
export const PTR_TRUSTED = 1 << 13;

export const BASE_TYPE_MASK = 0xff;
export const baseType = (t: number): RegType => t & BASE_TYPE_MASK;
export const typeMayBeNull = (t: number): boolean => (t & PTR_MAYBE_NULL) !== 0;
export const typeIsRdonlyMem = (t: number): boolean => (t & MEM_RDONLY) !== 0;

const BASE_NAMES: Record<RegType, string> = {
  [RegType.NOT_INIT]: '?',
  [RegType.SCALAR_VALUE]: 'scalar',
  [RegType.PTR_TO_CTX]: 'ctx',
  [RegType.CONST_PTR_TO_MAP]: 'map_ptr',
  [RegType.PTR_TO_MAP_VALUE]: 'map_value',
  [RegType.PTR_TO_MAP_KEY]: 'map_key',
  [RegType.PTR_TO_STACK]: 'fp',
  [RegType.PTR_TO_PACKET_META]: 'pkt_meta',
  [RegType.PTR_TO_PACKET]: 'pkt',
  [RegType.PTR_TO_PACKET_END]: 'pkt_end',
  [RegType.PTR_TO_FLOW_KEYS]: 'flow_keys',
  [RegType.PTR_TO_SOCKET]: 'sock',
  [RegType.PTR_TO_SOCK_COMMON]: 'sock_common',
  [RegType.PTR_TO_TCP_SOCK]: 'tcp_sock',
  [RegType.PTR_TO_TP_BUFFER]: 'tp_buffer',
  [RegType.PTR_TO_XDP_SOCK]: 'xdp_sock',
  [RegType.PTR_TO_BTF_ID]: 'ptr_',
  [RegType.PTR_TO_MEM]: 'mem',
  [RegType.PTR_TO_BUF]: 'buf',
  [RegType.PTR_TO_FUNC]: 'func',
};

/** The kernel's reg_type_str(): prefix flags, base name, `_or_null` suffix. */
export function regTypeStr(t: number): string {
  let prefix = '';
  if (t & MEM_RDONLY) prefix += 'rdonly_';
  if (t & MEM_RINGBUF) prefix += 'ringbuf_';
  if (t & PTR_UNTRUSTED) prefix += 'untrusted_';
  if (t & PTR_TRUSTED) prefix += 'trusted_';
  const base = baseType(t);
  let postfix = '';
  if (t & PTR_MAYBE_NULL) postfix = base === RegType.PTR_TO_BTF_ID ? 'or_null_' : '_or_null';
  return `${prefix}${BASE_NAMES[base] ?? '?'}${postfix}`;
}

export const typeIsPktPointer = (t: number): boolean =>
  baseType(t) === RegType.PTR_TO_PACKET || baseType(t) === RegType.PTR_TO_PACKET_META;

export const typeIsMapPtr = (t: number): boolean =>
  baseType(t) === RegType.CONST_PTR_TO_MAP || baseType(t) === RegType.PTR_TO_MAP_VALUE ||
  baseType(t) === RegType.PTR_TO_MAP_KEY;
