// Writes include/tsbpf/*.h from the hooks' context descriptions (src/hooks).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOOK_HEADERS, headerText } from '../src/hooks/headers.js';

const dir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'include', 'tsbpf');
for (const h of HOOK_HEADERS) {
  writeFileSync(join(dir, h.file), headerText(h.file));
  console.log(`wrote include/tsbpf/${h.file}`);
}
