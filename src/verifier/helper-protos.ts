import type { HelperProto } from '../helpers/proto.js';
import { helperProto } from '../helpers/table.js';

/** Prototypes of the helpers tsbpf implements (src/helpers/table.ts). */
export function defaultHelperProto(id: number): HelperProto | undefined {
  return helperProto(id);
}
