import type { Btf } from '../btf.js';
import type { BtfType } from '../types.js';
import { essentialName } from './kinds.js';

const composite = (t: BtfType): boolean => t.kind === 'struct' || t.kind === 'union';
const anyEnum = (t: BtfType): boolean => t.kind === 'enum' || t.kind === 'enum64';

/**
 * Whether a local field type may be relocated to a target field type
 * (libbpf's bpf_core_fields_are_compat): composites match composites,
 * integers integers of any size, enums enums, pointers pointers, arrays
 * arrays of compatible elements, with names compared flavor-less.
 */
export function fieldsAreCompatible(local: Btf, localId: number, target: Btf, targetId: number): boolean {
  let l = local.resolve(localId);
  let t = target.resolve(targetId);
  for (let depth = 0; depth < 32; depth++) {
    if (composite(l) && composite(t)) return true;
    if (anyEnum(l) && anyEnum(t)) return true;
    if (l.kind !== t.kind) return false;
    switch (l.kind) {
      case 'ptr': case 'float': case 'int': case 'fwd':
        return true;
      case 'array':
        l = local.resolve(l.type);
        t = target.resolve((t as Extract<BtfType, { kind: 'array' }>).type);
        continue;
      default:
        return false;
    }
  }
  return false;
}

/**
 * Whether two types are compatible for type-based relocations (libbpf's
 * bpf_core_types_are_compat): same kind (enum and enum64 alike), and for
 * pointers, arrays and function prototypes, compatible referenced types.
 * Depth is bounded, as the kernel's.
 */
export function typesAreCompatible(local: Btf, localId: number, target: Btf, targetId: number, depth = 0): boolean {
  if (depth > 32) return false;
  const l = local.resolve(localId);
  const t = target.resolve(targetId);
  if (anyEnum(l) && anyEnum(t)) return true;
  if (l.kind !== t.kind) return false;
  switch (l.kind) {
    case 'void': case 'struct': case 'union': case 'fwd': case 'float':
      return true;
    case 'int':
      return true;
    case 'ptr':
      return typesAreCompatible(local, l.type, target, (t as Extract<BtfType, { kind: 'ptr' }>).type, depth + 1);
    case 'array':
      return typesAreCompatible(local, l.type, target, (t as Extract<BtfType, { kind: 'array' }>).type, depth + 1);
    case 'func_proto': {
      const tp = t as Extract<BtfType, { kind: 'func_proto' }>;
      if (l.params.length !== tp.params.length) return false;
      for (let i = 0; i < l.params.length; i++) {
        if (!typesAreCompatible(local, l.params[i].type, target, tp.params[i].type, depth + 1)) return false;
      }
      return typesAreCompatible(local, l.returnType, target, tp.returnType, depth + 1);
    }
    default:
      return false;
  }
}

/** Names equal without flavor suffixes (anonymous types never match by name). */
export const namesMatch = (a: string, b: string): boolean => essentialName(a) === essentialName(b);
