export { applyCoreRelocations, type CoreRelocationInput, type CoreRelocationOutcome } from './apply.js';
export { CORE_POISON_HELPER } from './patch.js';
export { parseCoreSpec, type CoreSpec, type CoreAccessor } from './spec.js';
export { essentialName } from './kinds.js';
