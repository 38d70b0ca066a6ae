#!/usr/bin/env bash
# Rebuilds every test/fixtures/*.c into the .o next to it, as clang compiles
# BPF programs for libbpf: -O2 -g -target bpf (BTF and BTF.ext included).
# Uses clang-19 when installed (the version the committed objects come from),
# else clang. Debug paths are mapped so the objects do not depend on where
# the repository is checked out.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/test/fixtures"
clang_bin="$(command -v clang-19 || command -v clang || true)"
if [ -z "$clang_bin" ]; then
  echo "build-fixtures: clang not found (install clang-19)" >&2
  exit 2
fi
# Kernel uapi headers include <asm/types.h>, which Debian keeps under the multiarch directory.
multiarch="$(gcc -print-multiarch 2>/dev/null || echo "$(uname -m)-linux-gnu")"
includes=(-I"$dir")
[ -d "/usr/include/$multiarch" ] && includes+=(-I"/usr/include/$multiarch")

# Compile from the repository root with relative paths: line info then names
# test/fixtures/<file>.c, and clang can still read the lines' text into BTF.
cd "$root"
# test/fixtures/bad holds objects the loader must refuse (each says why); test/verifier/fixtures, verifier cases in C; test/cli/fixtures, CLI cases; test/maps/fixtures, map semantics against the kernel;
# examples/syscall-count is the kernel example the README shows; test/kernel/fixtures, kernel attach tests';
# bench/programs, the map-heavy benchmarks (they share test/fixtures/packet.h).
for src in test/fixtures/*.c test/fixtures/bad/*.c test/verifier/fixtures/*.c test/cli/fixtures/*.c test/maps/fixtures/*.c examples/syscall-count/*.bpf.c examples/quickstart/*.bpf.c test/kernel/fixtures/*.bpf.c bench/programs/*.c; do
  obj="${src%.c}.o"
  "$clang_bin" -O2 -g -target bpf -mcpu=v3 -Wall -Werror -fdebug-compilation-dir=. \
    "${includes[@]}" -c "$src" -o "$obj"
  echo "built $obj"
done

# Fixture folders with their own build (other flags or CPU versions).
for script in test/fixtures/disasm/build.sh test/object/fixtures/build.sh test/hooks/fixtures/build.sh examples/hooks/build.sh; do
  [ -f "$script" ] && bash "$script"
done
