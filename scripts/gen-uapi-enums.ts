// Generates src/uapi/, the kernel's enums, flags and errno numbers, so that no
// value is typed by hand (see scripts/uapi-enums.ts for what and from where):
//   node --import tsx scripts/gen-uapi-enums.ts [--header path/to/linux/bpf.h] [--no-btf]
// Enums come from the running kernel's BTF (/sys/kernel/btf/vmlinux), which
// has every value of this kernel, newer than the installed header included;
// without it (or with --no-btf) from the header.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadVmlinuxBtf, VMLINUX_BTF_PATH } from '../src/btf/index.js';
import { generateUapi, machineInputs } from './uapi-enums.js';

const args = process.argv.slice(2);
const headerAt = args.indexOf('--header');
const header = headerAt >= 0 ? args[headerAt + 1] : undefined;
const useBtf = !args.includes('--no-btf') && existsSync(VMLINUX_BTF_PATH);

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'uapi');
mkdirSync(out, { recursive: true });
const inputs = machineInputs(() => (useBtf ? loadVmlinuxBtf() : null), header);
for (const [file, text] of generateUapi(inputs)) {
  writeFileSync(join(out, file), text);
  console.log(`src/uapi/${file}`);
}
console.log(`enums from ${inputs.enums.describe}`);
