import { C_SCALARS, type CScalar, type CScalarName } from './c-types.js';

/**
 * A context struct as data: the one description from which tsbpf derives
 * the C header users compile against, the BTF that describes it, and the
 * offsets the hooks write at. Fields are laid out with C's rules (each at
 * its natural alignment, the struct padded to its largest alignment).
 */
export interface StructDef {
  /** The struct tag, e.g. `tsbpf_http_server_request` (written `struct <name>`). */
  readonly name: string;
  /** A comment for the header. */
  readonly doc: string;
  readonly fields: readonly FieldDef[];
  /**
   * Defined by the kernel's own headers as well (`trace_entry`, `pt_regs`,
   * `trace_event_raw_sys_enter`): the header then guards it with
   * `#ifndef __VMLINUX_H__` so it does not clash with vmlinux.h.
   */
  readonly kernel?: boolean;
  /**
   * The same layout with other field names, written to the header instead
   * (x86-64 `pt_regs` has `di` in the kernel's headers, `rdi` in user space's).
   */
  readonly headerVariant?: StructDef;
  /** Include guard of another header that defines the struct too (`_ASM_X86_PTRACE_H`). */
  readonly alsoDefinedBy?: string;
}

export interface FieldDef {
  readonly name: string;
  readonly type: CScalarName | StructDef;
  /** Array length; absent for a single value. `char` arrays hold NUL-terminated strings. */
  readonly count?: number;
  readonly doc?: string;
}

export interface FieldLayout {
  readonly name: string;
  readonly offset: number;
  /** Bytes of the whole field (all elements). */
  readonly size: number;
  /** Scalar type, or null for a nested struct. */
  readonly scalar: CScalar | null;
  readonly struct: StructLayout | null;
  /** Array length, or 0 for a single value. */
  readonly count: number;
  readonly def: FieldDef;
}

export interface StructLayout {
  readonly def: StructDef;
  readonly name: string;
  readonly size: number;
  readonly align: number;
  readonly fields: readonly FieldLayout[];
}

const cache = new WeakMap<StructDef, StructLayout>();

/** Lays a struct out as clang does for `-target bpf`. */
export function layoutOf(def: StructDef): StructLayout {
  const hit = cache.get(def);
  if (hit) return hit;
  let offset = 0;
  let align = 1;
  const fields: FieldLayout[] = [];
  for (const f of def.fields) {
    const scalar = typeof f.type === 'string' ? C_SCALARS[f.type] : null;
    const struct = typeof f.type === 'string' ? null : layoutOf(f.type);
    const elemSize = scalar ? scalar.size : struct!.size;
    const elemAlign = scalar ? scalar.size : struct!.align;
    const count = f.count ?? 0;
    if (f.count !== undefined && (!Number.isInteger(count) || count < 1)) throw new RangeError(`struct ${def.name}: field ${f.name} has count ${count}`);
    offset = (offset + elemAlign - 1) & ~(elemAlign - 1);
    const size = elemSize * Math.max(count, 1);
    fields.push({ name: f.name, offset, size, scalar, struct, count, def: f });
    offset += size;
    align = Math.max(align, elemAlign);
  }
  const size = (offset + align - 1) & ~(align - 1);
  const layout: StructLayout = { def, name: def.name, size, align, fields };
  cache.set(def, layout);
  return layout;
}

/** Byte offset of a (possibly nested: `ent.common_pid`) field; throws for a name the struct lacks. */
export function fieldOffset(layout: StructLayout, path: string): number {
  return fieldAt(layout, path).offset;
}

/** The layout of a (possibly nested) field, its offset from the start of the outer struct. */
export function fieldAt(layout: StructLayout, path: string): FieldLayout {
  const [head, ...rest] = path.split('.');
  const f = layout.fields.find((x) => x.name === head);
  if (!f) throw new RangeError(`struct ${layout.name} has no field ${head}`);
  if (rest.length === 0) return f;
  if (!f.struct) throw new RangeError(`field ${layout.name}.${head} is not a struct`);
  const inner = fieldAt(f.struct, rest.join('.'));
  return { ...inner, offset: f.offset + inner.offset };
}

/** Every struct a struct depends on (nested ones first), itself last, each once. */
export function structClosure(defs: readonly StructDef[]): StructDef[] {
  const out: StructDef[] = [];
  const visit = (d: StructDef): void => {
    if (out.includes(d)) return;
    for (const f of d.fields) if (typeof f.type !== 'string') visit(f.type);
    out.push(d);
  };
  defs.forEach(visit);
  return out;
}
