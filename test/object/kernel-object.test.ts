// What only the kernel backend does: BTF loaded (and sanitised for kernels
// that lack kinds), CO-RE against the running kernel's BTF, the verifier's
// refusal as a typed error with the C source line, .rodata frozen, and
// every fd released on close. Skipped where bpf() is refused.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadObjectSpec } from '../../src/elf/index.js';
import { KernelBtf } from '../../src/kernel/object/btf-load.js';
import { ALL_BTF_FEATURES, probeBtfFeatures, type BtfFeatures } from '../../src/kernel/object/btf-features.js';
import { sanitizeBtf } from '../../src/kernel/object/btf-sanitize.js';
import { KernelObject, ProgramRejectedError, failingInsn } from '../../src/kernel/object/index.js';
import { Btf } from '../../src/btf/btf.js';
import { loadObject } from '../../src/object/index.js';
import { kernelSkipReason } from '../support/kernel.js';
import { fixtureNames, fixturePath } from '../support/fixtures.js';

const skip = kernelSkipReason();
const openFds = (): number => readdirSync('/proc/self/fd').length;

describe('objects in the kernel', { skip }, () => {
  test('this kernel takes every BTF kind tsbpf knows how to sanitise', () => {
    assert.deepEqual(probeBtfFeatures(), ALL_BTF_FEATURES);
  });

  test('sanitised BTF keeps its type ids and loads with any kind switched off', () => {
    const off: Array<keyof BtfFeatures> = ['func', 'funcGlobal', 'datasec', 'float', 'declTag', 'typeTag', 'enum64'];
    const all = Object.fromEntries(off.map((k) => [k, false])) as Partial<BtfFeatures>;
    for (const name of ['btf_values', 'globals', 'xdp_firewall']) {
      const btf = loadObjectSpec(fixturePath(name)).btf as Btf;
      assert.equal(sanitizeBtf(btf, ALL_BTF_FEATURES), btf.bytes, 'nothing to do for a complete kernel');
      for (const features of [...off.map((k) => ({ [k]: false })), all]) {
        const bytes = sanitizeBtf(btf, { ...ALL_BTF_FEATURES, ...features });
        const rewritten = new Btf(bytes);
        assert.ok(rewritten.typeCount >= btf.typeCount, 'ids are kept (types only appended)');
        for (const t of rewritten.all()) {
          if (features.datasec === false) assert.ok(t.kind !== 'var' && t.kind !== 'datasec', `${name}: no ${t.kind} left`);
          if (features.float === false) assert.notEqual(t.kind, 'float');
          if (features.declTag === false) assert.notEqual(t.kind, 'decl_tag');
          if (features.typeTag === false) assert.notEqual(t.kind, 'type_tag');
          if (features.enum64 === false) assert.notEqual(t.kind, 'enum64');
          if (features.func === false) assert.ok(t.kind !== 'func' && t.kind !== 'func_proto');
        }
        KernelBtf.load(bytes, true).close();
      }
    }
  });

  test('every fixture loads with its BTF, maps and programs', () => {
    for (const name of fixtureNames()) {
      const obj = KernelObject.load(loadObjectSpec(fixturePath(name)));
      try {
        assert.notEqual(obj.btf, null, `${name}: BTF loaded`);
        assert.equal(obj.programs.size, obj.spec.programs.length);
        for (const p of obj.programs.values()) assert.ok(p.program.info().btfId > 0, `${name}/${p.spec.name} carries BTF func/line info`);
      } finally {
        obj.close();
      }
    }
  });

  test('a refused program names the instruction and its C source line', () => {
    const spec = loadObjectSpec(fixturePath('xdp_firewall'));
    const program = spec.programs.find((p) => p.name === 'xdp_firewall')!;
    program.insns[2] = { opcode: 0x79, dst: 3, src: 9, off: 0, imm: 0 }; // r3 = *(u64 *)(r9 + 0): r9 was never written
    assert.throws(() => KernelObject.load(spec), (err: unknown) => {
      assert.ok(err instanceof ProgramRejectedError);
      assert.equal(err.programName, 'xdp_firewall');
      assert.equal(err.insn, 2);
      assert.equal(err.source?.line, 43);
      assert.match(err.source?.fileName ?? '', /packet\.h$/);
      assert.match(err.message, /R9 !read_ok/);
      assert.match(err.message, /packet\.h:43:\d+: void \*cursor = data \+ sizeof\(\*eth\);/);
      assert.match(err.log, /; void \*cursor = data \+ sizeof\(\*eth\); @ packet\.h:43/);
      return true;
    });
    assert.equal(failingInsn('0: (b7) r0 = 0\n1: (95) exit\nR0 !read_ok\n'), 1);
    assert.equal(failingInsn('no instructions here'), null);
  });

  test('CO-RE relocations resolve against the running kernel', async () => {
    const obj = await loadObject(fixturePath('core_read'), { backend: 'kernel' });
    try {
      assert.equal(obj.programs.read_task.testRun({ ctxIn: new Uint8Array(16) }).retval, 0);
      const info = obj.maps.last_task.get(0) as Record<string, unknown>;
      assert.equal(info.tgid, process.pid, 'the test run runs in this process');
      assert.equal(info.parent_tgid, process.ppid);
      assert.equal(info.has_old_state, 0, 'task_struct.state was renamed to __state');
      assert.equal(info.has_ringbuf, 1);
      assert.equal(info.ringbuf_type, 27n);
      assert.ok((info.task_size as bigint) > 1000n, 'the kernel\'s task_struct size, not the local one');
      assert.equal(obj.programs.frame_len.testRun({ dataIn: new Uint8Array(64) }).retval, 2, 'xdp_md fields found by name whatever their local order');
    } finally {
      obj.close();
    }
  });

  test('.rodata is frozen and read-only to programs; .data and .bss are mmapable', async () => {
    const obj = KernelObject.load(loadObjectSpec(fixturePath('globals')));
    try {
      const rodata = obj.maps.get('globals.rodata')!;
      assert.equal(rodata.map.info().mapFlags & 0x480, 0x480, 'BPF_F_RDONLY_PROG | BPF_F_MMAPABLE');
      assert.throws(() => rodata.map.update(new Uint8Array(4), new Uint8Array(rodata.spec.valueSize)), /EPERM/);
      assert.equal(obj.maps.get('globals.bss')!.map.info().mapFlags & 0x400, 0x400);
    } finally {
      obj.close();
    }
  });

  test('maps pinned by name are pinned once and reused by the next load', async () => {
    const pinRoot = mkdtempSync('/sys/fs/bpf/tsbpf-pin-test-');
    try {
      const spec = loadObjectSpec(fixturePath('xdp_firewall'));
      spec.maps.find((m) => m.name === 'verdicts')!.pinning = 'by_name';
      const first = await loadObject(spec, { backend: 'kernel', pinRoot });
      first.maps.verdicts.set(3, 42n);
      first.close();
      assert.ok(existsSync(join(pinRoot, 'verdicts')), 'the pin outlives the object');
      const second = await loadObject(spec, { backend: 'kernel', pinRoot });
      try {
        assert.equal(second.maps.verdicts.get(3), 42n, 'the pinned map was reused with its contents');
        assert.equal(second.maps.port_rules.get(1), undefined);
      } finally {
        second.close();
      }
      const other = loadObjectSpec(fixturePath('xdp_firewall'));
      const verdicts = other.maps.find((m) => m.name === 'verdicts')!;
      verdicts.pinning = 'by_name';
      verdicts.maxEntries = 8;
      await assert.rejects(loadObject(other, { backend: 'kernel', pinRoot }), /max_entries is 4, not 8/);
    } finally {
      rmSync(pinRoot, { recursive: true, force: true });
    }
  });

  test('objects left open are closed when the process exits', () => {
    const child = fileURLToPath(new URL('./exit-child.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8' });
    const { before, loaded, atExit } = JSON.parse(out.trim().split('\n').at(-1) as string) as Record<string, number>;
    assert.ok(loaded > before);
    assert.equal(atExit, before);
  });

  test('close() releases every fd the object took', async () => {
    const before = openFds();
    for (const name of fixtureNames()) {
      const obj = await loadObject(fixturePath(name), { backend: 'kernel' });
      assert.ok(openFds() > before, `${name} holds fds while loaded`);
      obj.close();
      assert.equal(openFds(), before, `${name}: no fd left after close()`);
    }
    const spec = loadObjectSpec(fixturePath('xdp_firewall'));
    spec.programs[0].insns[0] = { opcode: 0x79, dst: 3, src: 9, off: 0, imm: 0 };
    assert.throws(() => KernelObject.load(spec), ProgramRejectedError);
    assert.equal(openFds(), before, 'a failed load releases what it had created');
  });
});
