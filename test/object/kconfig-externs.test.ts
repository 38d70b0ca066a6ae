// `extern ... __kconfig` variables (BPF_KSYSCALL's LINUX_HAS_SYSCALL_WRAPPER,
// LINUX_KERNEL_VERSION, CONFIG_* options) load as libbpf loads them: a frozen
// `<obj>.kconfig` map laid out in libbpf's order, filled from the kernel's
// release, features and Kconfig, with libbpf's errors; the programs then
// read the same values in the VM as in the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ElfError, kconfigValue, loadObjectSpec, type KconfigExtern, type KconfigLayout, type KconfigSource } from '../../src/elf/index.js';
import { loadObject, type BackendName } from '../../src/object/index.js';
import { verifyProgramSpec } from '../../src/verifier/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { objectFixture } from '../support/object-backends.js';

const object = objectFixture('kconfig_externs');
const SOURCE: KconfigSource = {
  release: '6.1.300-custom',
  config: '# comment\nCONFIG_BPF_SYSCALL=y\nCONFIG_BPF_JIT=y\n# CONFIG_TSBPF_NOT_A_REAL_OPTION is not set\nCONFIG_HZ=0x3e8\nCONFIG_DEFAULT_HOSTNAME="(none)"\n',
  syscallWrapper: true,
  bpfCookie: false,
};

test('the .kconfig map: libbpf\'s name, flags, layout (alignment down, size up, name) and values', () => {
  const spec = loadObjectSpec(object, { kconfig: () => SOURCE });
  const map = spec.maps.find((m) => m.section === '.kconfig');
  assert.ok(map, 'a .kconfig map');
  assert.equal(map.name, 'kconfig.kconfig');
  assert.equal(map.valueSize, 39);
  assert.equal(map.flags, 0x480, 'BPF_F_RDONLY_PROG | BPF_F_MMAPABLE');
  assert.deepEqual(map.global?.variables.map((v) => [v.name, v.offset]), [
    ['CONFIG_TSBPF_NOT_A_REAL_OPTION', 0], ['CONFIG_BPF_SYSCALL', 8], ['CONFIG_HZ', 12], ['LINUX_KERNEL_VERSION', 16],
    ['CONFIG_BPF_JIT', 20], ['LINUX_HAS_BPF_COOKIE', 21], ['LINUX_HAS_SYSCALL_WRAPPER', 22], ['CONFIG_DEFAULT_HOSTNAME', 23],
  ]);
  const value = map.contents[0].value as Uint8Array;
  const view = new DataView(value.buffer, value.byteOffset);
  assert.equal(view.getBigUint64(0, true), 0n, 'a weak option no kernel has is 0');
  assert.equal(view.getUint32(8, true), 1, 'y is TRI_YES');
  assert.equal(view.getUint32(12, true), 1000, 'CONFIG_HZ=0x3e8');
  assert.equal(view.getUint32(16, true), (6 << 16) + (1 << 8) + 255, 'KERNEL_VERSION(6, 1, 300) clamps the patch level at 255');
  assert.deepEqual([...value.subarray(20, 23)], [1, 0, 1]);
  assert.equal(new TextDecoder().decode(value.subarray(23, 29)), '(none)');
  // The BTF the kernel gets: the section sized, its variables in offset order.
  const datasec = spec.btf?.find('.kconfig', 'datasec');
  assert.equal(datasec?.size, 39);
  assert.deepEqual(datasec?.vars.map((v) => v.offset), [0, 8, 12, 16, 20, 21, 22, 23]);
  assert.ok(datasec?.vars.every((v) => (spec.btf?.type(v.type) as { linkage: number }).linkage === 1), 'linkage global allocated');
});

test('both programs verify, LINUX_HAS_SYSCALL_WRAPPER choosing where BPF_KSYSCALL reads arguments', () => {
  for (const syscallWrapper of [true, false]) {
    const spec = loadObjectSpec(object, { kconfig: () => ({ ...SOURCE, syscallWrapper }) });
    assert.deepEqual(spec.programs.map((p) => [p.name, verifyProgramSpec(p, spec).verdict]), [['read_kconfig', 'accept'], ['kill_entry', 'accept']]);
  }
});

async function readValues(backend: BackendName, engine?: 'interp'): Promise<bigint[]> {
  const obj = await loadObject(object, { backend, ...(engine ? { engine } : {}) });
  try {
    assert.equal(obj.programs.read_kconfig.testRun({ ctxIn: new Uint8Array(8) }).retval, 0);
    return obj.globals.out as bigint[];
  } finally {
    obj.close();
  }
}

test('the VM reads this machine\'s values, as the kernel does', { skip: kernelSkipReason() }, async () => {
  const kernel = await readValues('kernel');
  assert.deepEqual(await readValues('vm'), kernel);
  assert.deepEqual(await readValues('vm', 'interp'), kernel);
});

const ext = (name: string, type: KconfigExtern['type'], size: number, weak: boolean, offset = 0): KconfigExtern =>
  ({ name, varId: 1, typeId: 1, type, size, align: type === 'char_arr' ? 1 : size, signed: false, weak, offset });
const layout = (...externs: KconfigExtern[]): KconfigLayout =>
  ({ datasecId: 1, externs, size: Math.max(...externs.map((e) => e.offset + e.size)) });
const refuses = (l: KconfigLayout, source: Partial<KconfigSource>, message: RegExp): void => {
  assert.throws(() => kconfigValue(l, () => ({ ...SOURCE, ...source })), (e: unknown) => e instanceof ElfError && message.test(e.message));
};

test('libbpf\'s refusals: unresolved strong externs, unknown virtual ones, values of the wrong type', () => {
  refuses(layout(ext('CONFIG_MISSING', 'int', 4, false)), {}, /extern 'CONFIG_MISSING' \(strong\): not resolved/);
  refuses(layout(ext('CONFIG_HZ', 'int', 4, true)), { config: null }, /failed to open system Kconfig/);
  refuses(layout(ext('LINUX_NOT_KNOWN', 'int', 4, false)), {}, /'LINUX_NOT_KNOWN': unrecognized virtual extern/);
  refuses(layout(ext('TSBPF_OTHER', 'int', 4, true)), {}, /'TSBPF_OTHER': unrecognized virtual extern/);
  refuses(layout(ext('CONFIG_BPF', 'bool', 1, false)), { config: 'CONFIG_BPF=m\n' }, /value 'm' implies tristate or char type/);
  refuses(layout(ext('CONFIG_HZ', 'char_arr', 8, false)), { config: 'CONFIG_HZ=250\n' }, /value '250' implies integer type/);
  refuses(layout(ext('CONFIG_HZ', 'int', 1 as 4, false)), { config: 'CONFIG_HZ=1000\n' }, /doesn't fit in 1 bytes/);
  refuses(layout(ext('LINUX_KERNEL_VERSION', 'int', 4, false)), { release: 'unknown' }, /failed to get kernel version/);
  // A weak LINUX_ extern libbpf does not know is 0; a long string is cut and NUL-terminated.
  const v = kconfigValue(layout(ext('LINUX_NOT_KNOWN', 'int', 4, true), ext('CONFIG_S', 'char_arr', 4, false, 4)), () => ({ ...SOURCE, config: 'CONFIG_S="abcdef"\n' }));
  assert.deepEqual([...v], [0, 0, 0, 0, 97, 98, 99, 0]);
});
