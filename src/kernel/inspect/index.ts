// Looking at what the kernel holds: ids, details, BTF, owners and pins (for `tsbpf prog list` / `map dump`).
export { allIds, fdById, type IdKind } from './object-ids.js';
export { programDetails, mapDetails, type ProgramDetails, type MapDetails } from './object-details.js';
export { kernelBtfById } from './btf-by-id.js';
export { bpfFdOwners, tsbpfProcesses, type FdOwner, type FdOwners } from './fd-owners.js';
export { pinnedObjects, type PinnedPaths } from './pinned-objects.js';
