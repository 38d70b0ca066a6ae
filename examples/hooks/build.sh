#!/usr/bin/env bash
# Compiles the hook examples' BPF programs (*.bpf.c) into the .o files next
# to them, as libbpf projects do: clang -O2 -g -target bpf, with tsbpf's
# headers (include/tsbpf) on the include path.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/examples/hooks"
clang_bin="$(command -v clang-19 || command -v clang || true)"
[ -n "$clang_bin" ] || { echo "build.sh: clang not found (install clang-19)" >&2; exit 2; }
multiarch="$(gcc -print-multiarch 2>/dev/null || echo "$(uname -m)-linux-gnu")"
cd "$dir"
for src in *.bpf.c; do
  obj="${src%.c}.o"
  "$clang_bin" -O2 -g -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Wall -Werror \
    -fdebug-prefix-map="$dir"=examples/hooks -fdebug-compilation-dir=examples/hooks \
    -I"$root/include" -I"/usr/include/$multiarch" -c "$src" -o "$obj"
  echo "built examples/hooks/$obj"
done
