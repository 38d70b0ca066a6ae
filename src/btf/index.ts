export * from './errors.js';
export * from './kinds.js';
export * from './types.js';
export { Btf, type BtfOptions } from './btf.js';
export type { BtfHeader } from './parse.js';
export * from './ext.js';
export * from './core/index.js';
export { fixupDatasecs } from './datasec-fixup.js';
export { loadVmlinuxBtf, VMLINUX_BTF_PATH } from './vmlinux.js';
