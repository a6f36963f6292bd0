#!/usr/bin/env bash
# build-compile-db.sh: a compile database of a real kernel build, for the clangd truth of the
# navigation-accuracy bench (docs/accuracy.md).
#
# Out-of-tree (O=) LLVM=1 build on x86_64 of mm/, fs/dax.o, lib/test_hmm.o and drivers/dax/ with
# x86_64_defconfig plus the options that enable the code this product is about (listed in EXTRA below),
# then the kernel's own scripts/clang-tools/gen_compile_commands.py. Nothing is written into the source
# tree (make O= keeps every generated file in OUT; the tree must have no .config of its own).
#
# Usage: scripts/build-compile-db.sh [TREE] [OUT]
#   TREE  kernel source tree (default ~/.cache/kernel-mm-lens/trees/linux-source-6.12)
#   OUT   build and output folder (default ~/.cache/kernel-mm-lens/builds/<basename of TREE>-x86_64)
# Writes OUT/compile_commands.json and OUT/build-compile-db.json (timings, clang version, options).
# Runs under `nice -n 10` with -j$(nproc). Idempotent: a second run only rebuilds what changed.
# Needs: scripts/install-peers.sh (clang, lld, llvm, flex, bison, bc, libelf-dev, libssl-dev, python3).
set -euo pipefail
TREE="$(cd "${1:-$HOME/.cache/kernel-mm-lens/trees/linux-source-6.12}" && pwd)"
OUT="${2:-$HOME/.cache/kernel-mm-lens/builds/$(basename "$TREE")-x86_64}"
JOBS="${JOBS:-$(nproc)}"
log() { printf '[build-compile-db] %s\n' "$*" >&2; }

# What the product is about, and what it depends on. Each is checked after olddefconfig.
EXTRA=(
  MEMORY_HOTPLUG MEMORY_HOTREMOVE SPARSEMEM_VMEMMAP  # needed by ZONE_DEVICE
  ZONE_DEVICE DEVICE_PRIVATE                         # struct dev_pagemap, device-private pages (HMM)
  HMM_MIRROR MMU_NOTIFIER                            # hmm_range_fault, mmu_interval_notifier
  TRANSPARENT_HUGEPAGE                               # huge_memory.c, khugepaged.c, PMD paths
  FS_DAX DEV_DAX                                     # fs/dax.c, drivers/dax/
  KSM MEMORY_FAILURE MIGRATION COMPACTION USERFAULTFD # ksm.c, memory-failure.c, migrate*.c, userfaultfd.c
  ZSWAP ZSMALLOC CMA                                 # zswap.c, zsmalloc.c, cma.c
)
MODULES=(TEST_HMM)                                   # lib/test_hmm.c: the HMM test driver (selects HMM_MIRROR)
TARGETS=(mm/ fs/dax.o lib/test_hmm.o drivers/dax/)

[ -f "$TREE/Makefile" ] && [ -d "$TREE/mm" ] || { log "not a kernel tree: $TREE"; exit 2; }
if [ -e "$TREE/.config" ] || [ -d "$TREE/include/config" ]; then
  log "the source tree has its own configuration ($TREE/.config): an O= build refuses it; not touching the tree"
  exit 2
fi
for tool in clang ld.lld llvm-ar flex bison bc python3 make; do
  command -v "$tool" >/dev/null || { log "missing $tool: run scripts/install-peers.sh"; exit 2; }
done
mkdir -p "$OUT"
run() { nice -n 10 make -s -C "$TREE" O="$OUT" ARCH=x86_64 LLVM=1 "$@"; }

start=$(date +%s.%N)
clang_version="$(clang --version | head -n 1)"
log "tree $TREE -> $OUT ($clang_version, -j$JOBS)"

# The kernel checks its minimum LLVM version itself (scripts/min-tool-version.sh: 13.0.1 for x86 in 6.12).
min_llvm="$(cd "$TREE" && SRCARCH=x86 bash scripts/min-tool-version.sh llvm)"
log "minimum LLVM for this tree: $min_llvm"

if [ ! -f "$OUT/.config" ]; then
  run x86_64_defconfig >&2
fi
cfg=(); for o in "${EXTRA[@]}"; do cfg+=(-e "$o"); done; for o in "${MODULES[@]}"; do cfg+=(-m "$o"); done
"$TREE/scripts/config" --file "$OUT/.config" "${cfg[@]}"
run olddefconfig >&2
missing=()
for o in "${EXTRA[@]}"; do grep -q "^CONFIG_$o=y" "$OUT/.config" || missing+=("$o"); done
for o in "${MODULES[@]}"; do grep -q "^CONFIG_$o=[ym]" "$OUT/.config" || missing+=("$o"); done
[ "${#missing[@]}" -eq 0 ] || log "options not enabled (dependencies not met): ${missing[*]}"
configured=$(date +%s.%N)

run -j"$JOBS" prepare >&2
prepared=$(date +%s.%N)
run -j"$JOBS" -k "${TARGETS[@]}" >&2 || log "some targets failed to build (see above); the database holds what compiled"
built=$(date +%s.%N)

(cd "$TREE" && python3 scripts/clang-tools/gen_compile_commands.py -d "$OUT" -o "$OUT/compile_commands.json")
done_at=$(date +%s.%N)
entries=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$OUT/compile_commands.json")

python3 - "$OUT/build-compile-db.json" <<PY
import json, sys
json.dump({
  "tree": "$TREE", "out": "$OUT", "clang": "$clang_version", "minLlvm": "$min_llvm", "jobs": $JOBS,
  "config": "x86_64_defconfig", "enabled": "${EXTRA[*]}".split(), "modules": "${MODULES[*]}".split(),
  "notEnabled": "${missing[*]:-}".split(), "targets": "${TARGETS[*]}".split(), "entries": $entries,
  "seconds": {"configure": round($configured - $start, 1), "prepare": round($prepared - $configured, 1),
              "build": round($built - $prepared, 1), "compileDb": round($done_at - $built, 1),
              "total": round($done_at - $start, 1)},
}, open(sys.argv[1], "w"), indent=2)
PY
log "$entries compile commands in $OUT/compile_commands.json ($(printf '%.0f' "$(echo "$done_at - $start" | bc)") s)"
echo "$OUT/compile_commands.json"
