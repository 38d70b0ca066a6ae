import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BpfCmd, BpfFuncId, BpfMapType, BpfProgType, enumName, enumNameOf, errnoName, Errno, isEnumName, shortNames,
} from '../../src/uapi/index.js';
import { BPF_MAP_TYPE, isMapTypeName, mapTypeNameOf } from '../../src/maps/map-types.js';
import { BPF_PROG_TYPE, progTypeNameOf } from '../../src/progtypes/prog-types.js';
import { BPF_FUNC, helperNameOf, isHelperName } from '../../src/helpers/ids.js';
import { errnoName as kernelErrnoName, EAGAIN } from '../../src/kernel/errno.js';
import { errnoName as mapsErrnoName, ENOTSUPP } from '../../src/maps/errno.js';

test('uapi: the short names are the kernel\'s names without prefix, lower case, same values', () => {
  for (const [full, table, short] of [
    ['BPF_MAP_TYPE_', BpfMapType, BPF_MAP_TYPE],
    ['BPF_PROG_TYPE_', BpfProgType, BPF_PROG_TYPE],
    ['BPF_FUNC_', BpfFuncId, BPF_FUNC],
  ] as const) {
    assert.equal(Object.keys(short).length, Object.keys(table).length, full);
    for (const [name, value] of Object.entries(table)) assert.equal((short as Record<string, number>)[name.slice(full.length).toLowerCase()], value, name);
  }
  assert.equal(BPF_MAP_TYPE.lru_percpu_hash, 10);
  assert.equal(BPF_PROG_TYPE.xdp, 6);
  assert.equal(BPF_FUNC.map_lookup_elem, 1);
  assert.deepEqual(shortNames({ X_A: 1, Y_B: 2, X_C_D: 3 }, 'X_'), { a: 1, c_d: 3 });
  assert.ok(Object.isFrozen(BPF_MAP_TYPE));
});

test('uapi: names by value, the first declared of aliases', () => {
  assert.equal(enumName(BpfCmd, 10), 'BPF_PROG_TEST_RUN');
  assert.equal(BpfCmd.BPF_PROG_RUN, BpfCmd.BPF_PROG_TEST_RUN);
  assert.equal(enumName(BpfCmd, 100_000), '#100000');
  assert.equal(enumNameOf(BpfMapType, 27), 'BPF_MAP_TYPE_RINGBUF');
  assert.equal(enumNameOf(BpfMapType, 19), 'BPF_MAP_TYPE_CGROUP_STORAGE', 'the _DEPRECATED alias is not generated');
  assert.ok(isEnumName(BpfProgType, 'BPF_PROG_TYPE_XDP'));
  assert.ok(!isEnumName(BpfProgType, 'toString'));
  assert.equal(mapTypeNameOf(2), 'array');
  assert.equal(mapTypeNameOf(10_000), undefined);
  assert.ok(isMapTypeName('hash') && !isMapTypeName('HASH') && !isMapTypeName('constructor'));
  assert.equal(progTypeNameOf(1), 'socket_filter');
  assert.equal(helperNameOf(12), 'tail_call');
  assert.ok(isHelperName('ringbuf_output') && !isHelperName('hasOwnProperty'));
});

test('uapi: one errno table for maps, helpers and the kernel layer', () => {
  assert.equal(errnoName(7), 'E2BIG');
  assert.equal(errnoName(-7), 'E2BIG');
  assert.equal(errnoName(Errno.EWOULDBLOCK), 'EAGAIN', 'an alias names its target');
  assert.equal(errnoName(Errno.EDEADLOCK), 'EDEADLK');
  assert.equal(errnoName(95), 'EOPNOTSUPP');
  assert.equal(errnoName(524), 'ENOTSUPP');
  assert.equal(errnoName(999), 'errno 999');
  assert.equal(kernelErrnoName, errnoName);
  assert.equal(mapsErrnoName, errnoName);
  assert.equal(EAGAIN, 11);
  assert.equal(ENOTSUPP, 524);
});
