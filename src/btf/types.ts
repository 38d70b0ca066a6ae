/** A struct/union member; `bitOffset` from the start of the aggregate, `bitfieldSize` 0 unless a bitfield. */
export interface BtfMember {
  readonly name: string;
  readonly type: number;
  readonly bitOffset: number;
  readonly bitfieldSize: number;
}

export interface BtfEnumValue<V> {
  readonly name: string;
  readonly value: V;
}

export interface BtfParam {
  readonly name: string;
  readonly type: number;
}

export interface BtfVarSecinfo {
  readonly type: number;
  readonly offset: number;
  readonly size: number;
}

interface Base { readonly id: number; readonly name: string }

/** One BTF type, tagged by the kernel's kind name. Type references are ids in the same Btf. */
export type BtfType =
  | (Base & { readonly kind: 'void' })
  | (Base & { readonly kind: 'int'; readonly size: number; readonly signed: boolean; readonly char: boolean;
      readonly bool: boolean; readonly bitOffset: number; readonly bits: number })
  | (Base & { readonly kind: 'ptr'; readonly type: number })
  | (Base & { readonly kind: 'array'; readonly type: number; readonly indexType: number; readonly nelems: number })
  | (Base & { readonly kind: 'struct' | 'union'; readonly size: number; readonly members: readonly BtfMember[] })
  | (Base & { readonly kind: 'enum'; readonly size: number; readonly signed: boolean; readonly values: readonly BtfEnumValue<number>[] })
  | (Base & { readonly kind: 'enum64'; readonly size: number; readonly signed: boolean; readonly values: readonly BtfEnumValue<bigint>[] })
  | (Base & { readonly kind: 'fwd'; readonly union: boolean })
  | (Base & { readonly kind: 'typedef' | 'volatile' | 'const' | 'restrict' | 'type_tag'; readonly type: number })
  | (Base & { readonly kind: 'func'; readonly type: number; readonly linkage: number })
  | (Base & { readonly kind: 'func_proto'; readonly returnType: number; readonly params: readonly BtfParam[] })
  | (Base & { readonly kind: 'var'; readonly type: number; readonly linkage: number })
  | (Base & { readonly kind: 'datasec'; readonly size: number; readonly vars: readonly BtfVarSecinfo[] })
  | (Base & { readonly kind: 'float'; readonly size: number })
  | (Base & { readonly kind: 'decl_tag'; readonly type: number; readonly componentIdx: number });

export type BtfKind = BtfType['kind'];
type Narrow<T, K> = T extends { kind: infer TK } ? (K extends TK ? T & { readonly kind: K } : never) : never;
/** The variant(s) of BtfType with kind K (works for the shared struct/union and modifier variants). */
export type BtfTypeOf<K extends BtfKind> = K extends BtfKind ? Narrow<BtfType, K> : never;
