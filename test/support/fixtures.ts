// The compiled C fixtures of test/fixtures (see scripts/build-fixtures.sh).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const fixturesDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Names (without `.o`) of the loader fixtures, sorted. */
export function fixtureNames(): string[] {
  return readdirSync(fixturesDir).filter((f) => f.endsWith('.o')).map((f) => f.slice(0, -2)).sort();
}

export const fixturePath = (name: string): string => join(fixturesDir, `${name}.o`);
export const fixtureBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(fixturePath(name)));
