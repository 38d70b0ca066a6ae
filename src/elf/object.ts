import { Btf } from '../btf/btf.js';
import { fixupDatasecs } from '../btf/datasec-fixup.js';
import { parseBtfExt, type BtfExt } from '../btf/ext.js';
import { BpfProgType } from '../uapi/bpf-prog-type.js';
import { BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS } from '../uapi/flags.js';
import { readBtfMaps } from './btf-maps.js';
import { applyObjectCoreRelocations } from './core.js';
import { relocateCodeSection, type MapLocator, type RelocatedSection } from './code-relocations.js';
import { EM_BPF, ET_REL, STB_GLOBAL, STB_WEAK, STT_FUNC, STT_OBJECT, STV_HIDDEN, STV_INTERNAL } from './constants.js';
import { dataMap, globalKind, kconfigMap } from './data-maps.js';
import { collectKconfigExterns } from './kconfig-externs.js';
import { kconfigValue, type KconfigSource } from './kconfig-values.js';
import { fixupKconfigDatasec } from '../btf/kconfig-datasec.js';
import { withStaticFuncs } from '../btf/static-funcs.js';
import { ElfError } from './errors.js';
import { readCodeSections, type CodeSection } from './functions.js';
import { readLegacyMaps } from './legacy-maps.js';
import { linkProgram, sortExtRecords } from './link.js';
import { readMapValues } from './map-values.js';
import type { MapSpec, ObjectSpec, ProgramSpec } from './object-spec.js';
import { readElf } from './read-elf.js';
import { sectionMeaning } from './section-names.js';
import type { ElfFile, ElfSection } from './types.js';

export interface ObjectSpecOptions {
  /** Object name, used for global-data map names (libbpf: file name up to its first dot). Default `obj`. */
  readonly name?: string;
  /** Apply CO-RE relocations against this BTF (e.g. loadVmlinuxBtf()); by default they are only recorded. */
  readonly coreTarget?: Btf;
  /**
   * The kernel whose values fill `extern ... __kconfig` variables (asked for
   * only when the object has some); loadObjectSpec defaults to this machine's.
   */
  readonly kconfig?: () => KconfigSource;
}

function readLicense(elf: ElfFile): string {
  const s = elf.section('license');
  if (s === undefined) return '';
  const end = s.data.indexOf(0);
  return new TextDecoder().decode(s.data.subarray(0, end < 0 ? s.data.length : end));
}

function readVersion(elf: ElfFile): number {
  const s = elf.section('version');
  if (s === undefined) return 0;
  if (s.size !== 4) throw new ElfError(`size ${s.size} is not 4`, s.name, s.offset);
  return s.view.getUint32(0, true);
}

/**
 * Global functions of .text with hidden or internal visibility: libbpf makes
 * their BTF linkage static (bpf_object__sanitize_and_load_btf).
 */
function hiddenSubprograms(elf: ElfFile): Set<string> {
  const text = elf.section('.text');
  const names = new Set<string>();
  if (text === undefined) return names;
  for (const sym of elf.symbols) {
    const hidden = sym.visibility === STV_HIDDEN || sym.visibility === STV_INTERNAL;
    if (sym.type === STT_FUNC && sym.sectionIndex === text.index && (sym.bind === STB_GLOBAL || sym.bind === STB_WEAK) && hidden) names.add(sym.name);
  }
  return names;
}

function readBtf(elf: ElfFile): { btf: Btf | null; ext: BtfExt | null } {
  const section = elf.section('.BTF');
  if (section === undefined) return { btf: null, ext: null };
  // A copy, so the spec does not change if the caller reuses the input buffer.
  let btf = new Btf(new Uint8Array(section.data), { section: '.BTF' });
  const globals = new Map<string, number>();
  for (const sym of elf.symbols) {
    if (sym.type === STT_OBJECT && (sym.bind === STB_GLOBAL || sym.bind === STB_WEAK)) globals.set(sym.name, sym.value);
  }
  btf = fixupDatasecs(btf, (name) => elf.section(name)?.size, (name) => globals.get(name));
  btf = withStaticFuncs(btf, hiddenSubprograms(elf));
  const extSection = elf.section('.BTF.ext');
  return { btf, ext: extSection === undefined ? null : parseBtfExt(extSection.data, btf) };
}

/**
 * Turns a clang-compiled BPF object (ELF64, little-endian, EM_BPF) into an
 * ObjectSpec, following libbpf's conventions: programs per function of each
 * executable section (typed by section name), sub-programs appended, maps
 * from `.maps` (BTF) and `maps` (legacy), global data as array maps, and
 * every relocation resolved against map indices. CO-RE relocations are
 * recorded per program and applied by applyCoreRelocations.
 */
export function parseObjectSpec(bytes: Uint8Array, options: ObjectSpecOptions = {}): ObjectSpec {
  const objectName = options.name ?? 'obj';
  const elf = readElf(bytes);
  if (elf.header.machine !== EM_BPF) throw new ElfError(`e_machine ${elf.header.machine} is not EM_BPF (${EM_BPF})`, null, 18);
  if (elf.header.type !== ET_REL) throw new ElfError(`e_type ${elf.header.type} is not ET_REL (a relocatable object)`, null, 16);
  const license = readLicense(elf);
  const kernelVersion = readVersion(elf);
  const { btf: objectBtf, ext } = readBtf(elf);
  const kconfig = collectKconfigExterns(objectBtf, elf.symbols);
  const btf = kconfig === null || objectBtf === null ? objectBtf : fixupKconfigDatasec(objectBtf, kconfig.datasecId, kconfig.size, kconfig.externs);

  const maps: MapSpec[] = [];
  const mapByDef = new Map<string, number>();
  const defKey = (section: number, offset: number): string => `${section}:${offset}`;
  const legacy = elf.section('maps');
  if (legacy !== undefined) {
    for (const def of readLegacyMaps(legacy, elf.symbols)) {
      mapByDef.set(defKey(legacy.index, def.offset), maps.length);
      maps.push(def.spec);
    }
  }
  const btfMapsSection = elf.section('.maps');
  const btfMapDefs = btfMapsSection === undefined ? [] : btf === null
    ? (() => { throw new ElfError('BTF-defined maps need the .BTF section (compile with -g)', '.maps', btfMapsSection.offset); })()
    : readBtfMaps(btf, btfMapsSection);
  for (const def of btfMapDefs) {
    mapByDef.set(defKey((btfMapsSection as ElfSection).index, def.offset), maps.length);
    maps.push(def.spec);
  }
  const dataMapBySection = new Map<number, number>();
  for (const section of elf.sections) {
    const kind = globalKind(section);
    if (kind === null || section.size === 0) continue;
    dataMapBySection.set(section.index, maps.length);
    maps.push(dataMap(objectName, section, kind, btf));
  }
  const kconfigIndex = kconfig === null ? -1 : maps.length;
  if (kconfig !== null) maps.push(kconfigMap(objectName, kconfig, kconfigValue(kconfig, options.kconfig)));
  const names = new Set<string>();
  for (const m of maps) {
    if (names.has(m.name)) throw new ElfError(`two maps are named '${m.name}'`, m.section, elf.section(m.section)?.offset ?? 0);
    names.add(m.name);
  }
  if (btfMapsSection !== undefined) readMapValues(elf, btfMapsSection, btfMapDefs, maps);

  const locator: MapLocator = {
    mapAt: (section, offset) => mapByDef.get(defKey(section, offset)) ?? null,
    mapName: (index) => maps[index].name,
    dataMap: (section) => dataMapBySection.get(section) ?? null,
    kconfigExtern: (name) => {
      const e = kconfig?.externs.find((x) => x.name === name);
      return e === undefined ? null : { mapIndex: kconfigIndex, offset: e.offset };
    },
  };
  const code = new Map<number, CodeSection>(readCodeSections(elf.sections, elf.symbols).map((c) => [c.section.index, c]));
  const relocated = new Map<number, RelocatedSection>();
  for (const c of code.values()) relocated.set(c.section.index, relocateCodeSection(elf, c, code, locator));

  const records = sortExtRecords(ext);
  const programs: ProgramSpec[] = [];
  for (const c of code.values()) {
    if (c.section.name === '.text') continue;
    const meaning = sectionMeaning(c.section.name);
    for (const f of c.functions) {
      const linked = linkProgram(f, { code, relocated, records });
      programs.push({
        name: f.name,
        section: c.section.name,
        type: meaning?.progType ?? 'BPF_PROG_TYPE_UNSPEC',
        typeId: meaning?.progTypeId ?? BpfProgType.BPF_PROG_TYPE_UNSPEC,
        attachType: meaning?.attachType ?? null,
        attachTypeId: meaning?.attachTypeId ?? 0,
        attachTo: meaning?.attachTo ?? '',
        flags: (meaning?.def.sleepable ? BPF_F_SLEEPABLE : 0) | (meaning?.def.xdpFrags ? BPF_F_XDP_HAS_FRAGS : 0),
        license,
        kernelVersion,
        ...linked,
      });
    }
  }
  const spec: ObjectSpec = { name: objectName, programs, maps, license, kernelVersion, btf, btfExt: ext };
  if (options.coreTarget !== undefined) applyObjectCoreRelocations(spec, options.coreTarget);
  return spec;
}
