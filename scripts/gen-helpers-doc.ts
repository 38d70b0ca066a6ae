// Writes docs/helpers.md from the helper table: node --import tsx scripts/gen-helpers-doc.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderHelpersDoc } from './helpers-doc.js';

const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'helpers.md');
writeFileSync(path, renderHelpersDoc());
console.log(`wrote ${path}`);
