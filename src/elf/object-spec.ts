import type { Btf } from '../btf/btf.js';
import type { BtfExt } from '../btf/ext.js';
import type { Instruction } from '../isa/instruction.js';
import type { BpfAttachTypeName } from '../uapi/bpf-attach-type.js';
import type { BpfMapTypeName } from '../uapi/bpf-map-type.js';
import type { BpfProgTypeName } from '../uapi/bpf-prog-type.js';

/** Source position of one instruction (from BTF.ext line_info). */
export interface LineInfo {
  /** Instruction slot index in the program's `insns`. */
  readonly insn: number;
  readonly fileName: string;
  readonly line: number;
  readonly column: number;
  /** The source line's text, as clang recorded it in BTF. */
  readonly lineText: string;
  /** Offsets of fileName and lineText in the object's BTF strings, for the kernel's line_info. */
  readonly fileNameOff: number;
  readonly lineOff: number;
}

/** One function in a linked program: the entry (at 0) or an appended sub-program. */
export interface FunctionInfo {
  readonly name: string;
  /** First slot in the program's `insns`. */
  readonly insn: number;
  readonly length: number;
  /** ELF section the function came from. */
  readonly section: string;
  /** Its BTF_KIND_FUNC id (from func_info), or 0 without BTF. */
  readonly btfId: number;
}

/**
 * An lddw that refers to a map. The loader writes it as the kernel's pseudo
 * form with the map's index in `ObjectSpec.maps` in `imm`: src
 * BPF_PSEUDO_MAP_FD (`kind: 'fd'`), or BPF_PSEUDO_MAP_VALUE (`kind: 'value'`)
 * with the byte offset into the value in the second slot's `imm`.
 */
export interface MapRef {
  readonly insn: number;
  readonly map: string;
  readonly mapIndex: number;
  readonly kind: 'fd' | 'value';
  readonly offset: number;
}

/** A CO-RE relocation of one instruction of the program (see btf/core). */
export interface CoreRelocation {
  readonly insn: number;
  /** Root type id in the object's BTF. */
  readonly typeId: number;
  readonly accessString: string;
  /** enum bpf_core_relo_kind. */
  readonly kind: number;
}

export interface ProgramSpec {
  /** Function symbol name. */
  name: string;
  /** ELF section name (`xdp`, `kprobe/do_sys_open`, ...). */
  section: string;
  /** Kernel program type from the section name (libbpf's table), or BPF_PROG_TYPE_UNSPEC. */
  type: BpfProgTypeName;
  typeId: number;
  /** Expected attach type, or null where libbpf passes 0. */
  attachType: BpfAttachTypeName | null;
  attachTypeId: number;
  /** Attach target from the section name (function, tracepoint, path:symbol), or ''. */
  attachTo: string;
  /** Load flags implied by the section (BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS). */
  flags: number;
  /** The linked program: entry at slot 0, sub-programs appended, every relocation applied. */
  insns: Instruction[];
  license: string;
  kernelVersion: number;
  functions: FunctionInfo[];
  lineInfo: LineInfo[];
  mapRefs: MapRef[];
  coreRelos: CoreRelocation[];
}

/** A map value that names another object (prog arrays, maps of maps). */
export type MapValueSpec = Uint8Array | { readonly program: string } | { readonly map: string };

export interface MapEntrySpec {
  readonly key: Uint8Array;
  readonly value: MapValueSpec;
}

/** One global variable of a data map (.data, .rodata, .bss, ...), from its BTF DATASEC. */
export interface VariableSpec {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  /** BTF type id of the variable's type. */
  readonly type: number;
  /** BTF_VAR_STATIC (0) or BTF_VAR_GLOBAL_ALLOCATED (1). */
  readonly linkage: number;
}

export interface MapSpec {
  /** The name libbpf gives it (`<obj>.data` style for global data). */
  name: string;
  /** Kernel map type name and number. */
  type: BpfMapTypeName;
  typeId: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** map_flags (BPF_F_RDONLY_PROG for .rodata, BPF_F_MMAPABLE, BPF_F_NO_PREALLOC ...). */
  flags: number;
  mapExtra: bigint;
  numaNode: number;
  /** BTF type ids of key and value (0 when unknown). */
  keyType: number;
  valueType: number;
  /** 'none' or 'by_name' (LIBBPF_PIN_BY_NAME). */
  pinning: 'none' | 'by_name';
  /** The inner map's definition for maps of maps. */
  inner?: MapSpec;
  /** Initial contents: global data, or `values` of prog arrays and maps of maps. */
  contents: MapEntrySpec[];
  /** ELF section the definition came from (`.maps`, `maps`, `.data`, `.rodata.str1.1`, ...). */
  section: string;
  /** For global data: which kind, and its variables. */
  global?: { readonly kind: 'data' | 'rodata' | 'bss' | 'kconfig'; readonly variables: VariableSpec[] };
}

/** A clang-compiled BPF object as plain, editable data (like cilium/ebpf's CollectionSpec). */
export interface ObjectSpec {
  /** Object name (libbpf: the file name up to its first dot). */
  name: string;
  programs: ProgramSpec[];
  maps: MapSpec[];
  license: string;
  kernelVersion: number;
  btf: Btf | null;
  btfExt: BtfExt | null;
}
