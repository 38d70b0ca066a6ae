// Every fixture, as the loader turns it into an ObjectSpec, loads into the
// real kernel: its maps are created from the MapSpecs, the map references
// are given the maps' fds, and the verifier accepts every program. Where
// bpf() is refused, the test says so and skips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  loadObjectSpec, applyObjectCoreRelocations, kernelFuncInfo, kernelLineInfo, type MapSpec, type ObjectSpec,
} from '../../src/elf/index.js';
import { KernelBtf } from '../../src/kernel/object/btf-load.js';
import { loadVmlinuxBtf } from '../../src/btf/index.js';
import { KernelMap, KernelProgram } from '../../src/kernel/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { fixtureNames, fixturePath } from '../support/fixtures.js';

const skip = kernelSkipReason();

interface Loaded { maps: KernelMap[]; programs: Map<string, KernelProgram>; close(): void }

function createMap(spec: MapSpec, inner: KernelMap | undefined, btfFd: number): KernelMap {
  return KernelMap.create({
    type: spec.type, keySize: spec.keySize, valueSize: spec.valueSize, maxEntries: spec.maxEntries,
    flags: spec.flags, name: spec.name.slice(0, 15), numaNode: spec.numaNode, mapExtra: spec.mapExtra,
    ...(inner === undefined ? {} : { innerMapFd: inner.fd }),
    ...(btfFd > 0 && spec.valueType !== 0 ? { btfFd, btfKeyTypeId: spec.keyType, btfValueTypeId: spec.valueType } : {}),
  });
}

const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);

function loadInKernel(spec: ObjectSpec): Loaded {
  const maps: KernelMap[] = [];
  const temps: KernelMap[] = [];
  const programs = new Map<string, KernelProgram>();
  const btf = spec.btf === null ? null : KernelBtf.load(spec.btf.bytes);
  const btfFd = btf === null ? 0 : btf.fd;
  const close = (): void => {
    for (const p of programs.values()) p.close();
    for (const m of [...maps, ...temps]) m.close();
    btf?.close();
  };
  try {
    for (const m of spec.maps) {
      let inner: KernelMap | undefined;
      if (m.inner !== undefined) { inner = createMap(m.inner, undefined, 0); temps.push(inner); }
      const km = createMap(m, inner, btfFd);
      maps.push(km);
      for (const entry of m.contents) {
        if (entry.value instanceof Uint8Array) km.update(entry.key, entry.value);
        else if ('map' in entry.value) km.update(entry.key, u32(maps[spec.maps.findIndex((x) => x.name === (entry.value as { map: string }).map)].fd));
      }
    }
    for (const p of spec.programs) {
      const insns = p.insns.map((x) => ({ ...x }));
      for (const ref of p.mapRefs) insns[ref.insn].imm = maps[ref.mapIndex].fd;
      const funcInfo = kernelFuncInfo(p);
      const lineInfo = kernelLineInfo(p);
      programs.set(p.name, KernelProgram.load({
        type: p.type, insns, license: p.license, name: p.name.slice(0, 15), flags: p.flags,
        ...(p.attachType === null ? {} : { expectedAttachType: p.attachType }),
        ...(btfFd > 0 && funcInfo !== null ? { btfFd, funcInfo, ...(lineInfo === null ? {} : { lineInfo }) } : {}),
      }));
    }
    spec.maps.forEach((m, i) => {
      for (const entry of m.contents) {
        if (!(entry.value instanceof Uint8Array) && 'program' in entry.value) {
          maps[i].update(entry.key, u32((programs.get(entry.value.program) as KernelProgram).fd));
        }
      }
    });
  } catch (e) {
    close();
    throw e;
  }
  return { maps, programs, close };
}

for (const name of fixtureNames()) {
  test(`${name}.o loads into the kernel through its ObjectSpec`, { skip }, () => {
    const spec = loadObjectSpec(fixturePath(name));
    if (spec.programs.some((p) => p.coreRelos.length > 0)) applyObjectCoreRelocations(spec, loadVmlinuxBtf());
    const loaded = loadInKernel(spec);
    try {
      assert.equal(loaded.programs.size, spec.programs.length);
    } finally {
      loaded.close();
    }
  });
}

/** Ethernet + IPv4 + UDP frame from `src` to port `dport`. */
function udpFrame(src: [number, number, number, number], dport: number): Uint8Array {
  const f = new Uint8Array(14 + 20 + 8 + 18);
  f.set([0x08, 0x00], 12);
  f.set([0x45, 0, 0, 46, 0, 0, 0, 0, 64, 17, 0, 0], 14);
  f.set(src, 26);
  f.set([10, 0, 0, 1], 30);
  f.set([0x30, 0x39, dport >> 8, dport & 0xff, 0, 26, 0, 0], 34);
  return f;
}

test('xdp_firewall decides by its LPM trie and hash map once its relocations point at real maps', { skip }, () => {
  const spec = loadObjectSpec(fixturePath('xdp_firewall'));
  const loaded = loadInKernel(spec);
  try {
    const prog = loaded.programs.get('xdp_firewall') as KernelProgram;
    const [denyV4, portRules, verdicts] = loaded.maps;
    assert.equal(prog.testRun({ dataIn: udpFrame([192, 168, 1, 7], 80) }).retval, 2, 'XDP_PASS');
    denyV4.update(new Uint8Array([24, 0, 0, 0, 192, 168, 1, 0]), u32(1));
    assert.equal(prog.testRun({ dataIn: udpFrame([192, 168, 1, 7], 80) }).retval, 1, 'XDP_DROP by prefix');
    assert.equal(prog.testRun({ dataIn: udpFrame([192, 168, 2, 7], 80) }).retval, 2);
    const rule = new Uint8Array(16);
    rule[8] = 1; // action XDP_DROP
    portRules.update(new Uint8Array([80, 0]), rule);
    assert.equal(prog.testRun({ dataIn: udpFrame([192, 168, 2, 7], 80) }).retval, 1, 'XDP_DROP by port');
    const drops = portRules.lookup(new Uint8Array([80, 0]));
    assert.equal(drops?.[0], 1);
    assert.equal(new DataView((verdicts.lookup(u32(1)) as Uint8Array).buffer).getBigUint64(0, true), 2n);
  } finally {
    loaded.close();
  }
});

test('core_read frame_len reads xdp_md correctly only after CO-RE against vmlinux', { skip }, () => {
  const spec = loadObjectSpec(fixturePath('core_read'));
  applyObjectCoreRelocations(spec, loadVmlinuxBtf());
  const loaded = loadInKernel({ ...spec, programs: spec.programs.filter((p) => p.name === 'frame_len') });
  try {
    const prog = loaded.programs.get('frame_len') as KernelProgram;
    assert.equal(prog.testRun({ dataIn: new Uint8Array(64) }).retval, 2);
    assert.equal(prog.testRun({ dataIn: new Uint8Array(20) }).retval, 1);
  } finally {
    loaded.close();
  }
});
