// Which map types, program types, helpers and attach mechanisms this kernel has.
export { NotSupportedError } from './not-supported-error.js';
export { probeMapType } from './probe-map-type.js';
export { probeProgramType } from './probe-program-type.js';
export { probeHelper } from './probe-helper.js';
export { kernelVersion, kernelAtLeast } from './kernel-version.js';
export { probeAttachFeatures, type AttachFeature, type AttachFeatureName } from './attach-features.js';
export { probeKernelFeatures, hasMapType, hasProgramType, hasHelper, type KernelFeatures } from './feature-report.js';
export { requireMapType, requireProgramType, requireHelper, requireKprobes } from './require-feature.js';
