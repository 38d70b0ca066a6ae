import { defineHelper, type HelperDefinition } from './definition.js';

// bpf_spin_lock / bpf_spin_unlock. A program runs to completion on one
// thread in the VM, so nothing else can hold the lock: taking and releasing
// it changes no memory a program or bpf() can see (the kernel's lock word is
// hidden from both: loads and stores of it are refused, map reads show it as
// zero). The verifier does the real work: one lock at a time, no calls
// while held, released before exit.

const spinLock = defineHelper('spin_lock', ['ARG_PTR_TO_SPIN_LOCK'], 'RET_VOID', () => 0n);
const spinUnlock = defineHelper('spin_unlock', ['ARG_PTR_TO_SPIN_LOCK'], 'RET_VOID', () => 0n);

export const SPIN_LOCK_HELPERS: readonly HelperDefinition[] = [spinLock, spinUnlock];
