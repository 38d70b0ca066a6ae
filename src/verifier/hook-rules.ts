import type { ProgTypeName } from '../progtypes/prog-types.js';
import { hookContextRules } from '../progtypes/hook-contexts.js';
import { progTypeRules, type ProgTypeRules } from './prog-type-rules.js';
import { RegType } from './reg-type.js';

/**
 * The verifier's rules for a program on one of tsbpf's user-space hooks:
 * its program type's, with the context access of the hook its section
 * names (src/progtypes/hook-contexts.ts): tsbpf's uprobe and perf_event
 * contexts, longer than the kernel's, and each Node.js or syscall
 * tracepoint's exact record. Undefined when the section names no such
 * hook (the type's own rules apply). Pass it as verify()'s `rules`.
 */
export function hookVerifierRules(section: string, progType: ProgTypeName | string | number): ProgTypeRules | undefined {
  const hook = hookContextRules(section);
  const base = progTypeRules(progType);
  if (!hook || !base) return undefined;
  return { ...base, ctxAccess: (off, size, write) => (!write && hook.readable(off, size) ? RegType.SCALAR_VALUE : null) };
}
