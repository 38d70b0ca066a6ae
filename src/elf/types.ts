/** The ELF64 file header fields the loader and tools need. */
export interface ElfHeader {
  /** EI_OSABI */
  readonly osabi: number;
  /** e_type: ET_REL (1) for objects clang emits. */
  readonly type: number;
  /** e_machine: EM_BPF (247) for eBPF objects. */
  readonly machine: number;
  readonly version: number;
  readonly entry: bigint;
  readonly flags: number;
  /** Section header table offset, entry count and the index of the section-name table. */
  readonly shoff: number;
  readonly shnum: number;
  readonly shstrndx: number;
}

/** One section header with its name resolved and its bytes in view. */
export interface ElfSection {
  /** Index in the section header table (0 is the null section). */
  readonly index: number;
  readonly name: string;
  /** sh_type (SHT_*). */
  readonly type: number;
  /** sh_flags (SHF_*). */
  readonly flags: number;
  readonly addr: number;
  /** File offset of the contents (meaningless for SHT_NOBITS). */
  readonly offset: number;
  /** Size in memory; for SHT_NOBITS (.bss) there are no bytes in the file. */
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly addralign: number;
  readonly entsize: number;
  /** The contents (a view into the input, not a copy); empty for SHT_NOBITS. */
  readonly data: Uint8Array;
  /** A little-endian reader over `data`. */
  readonly view: DataView;
}

/** One entry of the symbol table (SHT_SYMTAB). */
export interface ElfSymbol {
  /** Index in the symbol table (0 is the null symbol). */
  readonly index: number;
  readonly name: string;
  /** st_value: for relocatable objects, the offset in its section. */
  readonly value: number;
  readonly size: number;
  /** STB_* */
  readonly bind: number;
  /** STT_* */
  readonly type: number;
  /** STV_* */
  readonly visibility: number;
  /** st_shndx resolved through SHT_SYMTAB_SHNDX; SHN_* specials kept as they are. */
  readonly sectionIndex: number;
}

/** One SHT_REL or SHT_RELA entry. */
export interface ElfRelocation {
  /** r_offset: byte offset in the target section. */
  readonly offset: number;
  /** Index into `ElfFile.symbols`. */
  readonly symbol: number;
  /** R_* type (R_BPF_* for eBPF). */
  readonly type: number;
  /** r_addend for SHT_RELA; 0n for SHT_REL (the addend is in the target bytes). */
  readonly addend: bigint;
}

/** A relocation section and the section its entries patch. */
export interface ElfRelocationSection {
  /** The SHT_REL/SHT_RELA section itself. */
  readonly section: ElfSection;
  /** Index of the section patched (sh_info), or null if sh_info is 0. */
  readonly target: number | null;
  readonly entries: readonly ElfRelocation[];
}

/** A parsed ELF64 little-endian file. Every offset and size has been bounds-checked. */
export interface ElfFile {
  readonly bytes: Uint8Array;
  readonly header: ElfHeader;
  /** Every section, indexed by section header index (index 0 is the null section). */
  readonly sections: readonly ElfSection[];
  /** The SHT_SYMTAB entries (index 0 is the null symbol), or empty if there is none. */
  readonly symbols: readonly ElfSymbol[];
  readonly relocationSections: readonly ElfRelocationSection[];
  /** The first section with this name, if any. */
  section(name: string): ElfSection | undefined;
  /** Relocations that patch the section with this index (all REL/RELA sections for it, in order). */
  relocationsFor(sectionIndex: number): readonly ElfRelocation[];
}
