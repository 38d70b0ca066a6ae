import { BPF_FUNC } from '../../helpers/ids.js';
import { KernelUnavailableError } from '../errors.js';
import { kernelAvailable } from '../probe.js';
import { BpfMapType, BpfProgType, type BpfMapTypeName, type BpfProgTypeName } from '../uapi.js';
import { probeAttachFeatures, type AttachFeature, type AttachFeatureName } from './attach-features.js';
import { kernelVersion } from './kernel-version.js';
import { probeHelper } from './probe-helper.js';
import { probeMapType } from './probe-map-type.js';
import { probeProgramType } from './probe-program-type.js';

/** What `tsbpf`'s feature probe found, like `bpftool feature probe kernel`. */
export interface KernelFeatures {
  readonly kernel: string;
  /** true, false, or null where a probe cannot decide (struct_ops maps). */
  readonly mapTypes: Record<string, boolean | null>;
  readonly programTypes: Record<string, boolean>;
  /** Per program type probed, the helpers its programs may call (kernel names without `bpf_`). */
  readonly helpers: Record<string, string[]>;
  readonly attach: Record<AttachFeatureName, AttachFeature>;
}

const mapTypeCache = new Map<BpfMapTypeName, boolean | undefined>();
const progTypeCache = new Map<BpfProgTypeName, boolean>();
const helperCache = new Map<string, boolean>();

function requireBpf(): void {
  const available = kernelAvailable();
  if (!available.ok) throw new KernelUnavailableError(available.reason);
}

/** Cached probeMapType. */
export function hasMapType(type: BpfMapTypeName): boolean | undefined {
  requireBpf();
  if (!mapTypeCache.has(type)) mapTypeCache.set(type, probeMapType(type));
  return mapTypeCache.get(type);
}

/** Cached probeProgramType. */
export function hasProgramType(type: BpfProgTypeName): boolean {
  requireBpf();
  if (!progTypeCache.has(type)) progTypeCache.set(type, probeProgramType(type));
  return progTypeCache.get(type)!;
}

/** Cached probeHelper; false too when the program type itself is missing. */
export function hasHelper(type: BpfProgTypeName, helperId: number): boolean {
  const key = `${type}:${helperId}`;
  if (!helperCache.has(key)) helperCache.set(key, hasProgramType(type) && probeHelper(type, helperId));
  return helperCache.get(key)!;
}

/**
 * Probes map types, program types and attach mechanisms, and the helpers of
 * the program types in `helpersFor` (each helper is one program load, so
 * only the types asked for are probed).
 */
export function probeKernelFeatures(helpersFor: readonly BpfProgTypeName[] = []): KernelFeatures {
  requireBpf();
  const [major, minor, patch] = kernelVersion();
  const mapTypes: Record<string, boolean | null> = {};
  for (const name of Object.keys(BpfMapType) as BpfMapTypeName[]) {
    if (name === 'BPF_MAP_TYPE_UNSPEC') continue;
    mapTypes[name] = hasMapType(name) ?? null;
  }
  const programTypes: Record<string, boolean> = {};
  for (const name of Object.keys(BpfProgType) as BpfProgTypeName[]) {
    if (name !== 'BPF_PROG_TYPE_UNSPEC') programTypes[name] = hasProgramType(name);
  }
  const helpers: Record<string, string[]> = {};
  for (const type of helpersFor) {
    helpers[type] = Object.entries(BPF_FUNC).filter(([name, id]) => name !== 'unspec' && hasHelper(type, id)).map(([name]) => name);
  }
  return { kernel: `${major}.${minor}.${patch}`, mapTypes, programTypes, helpers, attach: probeAttachFeatures() };
}
