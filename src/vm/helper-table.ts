import type { HelperTable } from '../engine/abi.js';
import { HELPER_TABLE } from '../helpers/table.js';

/**
 * The helpers VM programs call: src/helpers' one table (the same rows the
 * verifier checks against). Which program types may call which helper is
 * the verifier's business; unverified programs may call any of them.
 */
export function vmHelperTable(): HelperTable {
  return HELPER_TABLE;
}
