import { CliInputError } from './errors.js';

/**
 * Bytes from hex text: `0a1b2c`, `0x0a1b2c`, or separated byte tokens as the
 * conformance runner writes them (`0a  1b  2c `). Throws CliInputError
 * naming `what` and the first bad character.
 */
export function parseHexBytes(text: string, what: string): Uint8Array {
  const tokens = text.trim().split(/\s+/).filter((t) => t !== '').map((t) => t.replace(/^0x/i, ''));
  const digits = tokens.every((t) => t.length <= 2) ? tokens.map((t) => t.padStart(2, '0')).join('') : tokens.join('');
  const bad = /[^0-9a-fA-F]/.exec(digits);
  if (bad) throw new CliInputError(`${what}: '${bad[0]}' is not a hex digit`);
  if (digits.length % 2 !== 0) throw new CliInputError(`${what}: odd number of hex digits (${digits.length})`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}
