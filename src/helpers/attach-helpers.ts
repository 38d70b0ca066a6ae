import { defineHelper, type HelperDefinition } from './definition.js';
import type { RunContext } from './run-context.js';

/** bpf_get_func_ip(ctx): the probed function's address, which the hook sets as HelperContext.funcIp (0 otherwise). */
const getFuncIp = defineHelper('get_func_ip', ['ARG_PTR_TO_CTX'], 'RET_INTEGER', (env) => BigInt.asUintN(64, (env as RunContext).funcIp ?? 0n), { gplOnly: true });

/** bpf_get_attach_cookie(ctx): the cookie given when attaching, as HelperContext.attachCookie (0 otherwise). */
const getAttachCookie = defineHelper('get_attach_cookie', ['ARG_PTR_TO_CTX'], 'RET_INTEGER', (env) => BigInt.asUintN(64, (env as RunContext).attachCookie ?? 0n));

export const ATTACH_HELPERS: readonly HelperDefinition[] = [getFuncIp, getAttachCookie];
