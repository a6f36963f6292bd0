#!/usr/bin/env bash
# install-peers.sh: the peer tools the navigation-accuracy bench compares with, and what an out-of-tree
# `LLVM=1` kernel build needs for the clangd truth (scripts/build-compile-db.sh). Idempotent; Debian's apt only.
#   - peers: universal-ctags, GNU global (gtags/global), cscope, clangd;
#   - kernel build with LLVM=1: clang, lld, llvm (llvm-ar, llvm-nm, llvm-objcopy …), make, flex, bison, bc,
#     libelf-dev, libssl-dev, python3, cpio, kmod, xz-utils.
# Prints one line per tool with its version at the end.
# Usage: scripts/install-peers.sh [--peers-only]   (--peers-only: ctags, global, cscope, clangd)
set -euo pipefail
log() { printf '[install-peers] %s\n' "$*" >&2; }

peers=(universal-ctags global cscope clangd)
build=(clang lld llvm make flex bison bc libelf-dev libssl-dev python3 cpio kmod xz-utils)
want=("${peers[@]}")
[ "${1:-}" = "--peers-only" ] || want+=("${build[@]}")

need=()
for p in "${want[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then log "missing Debian packages: ${need[*]} (run as root or apt-get install them)"; exit 1; fi
  log "apt-get install ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2 \
    || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2; }
fi

version() { "$@" 2>&1 | head -n 1 || true; }
log "ctags:  $(version ctags --version)"
log "global: $(version global --version)"
log "cscope: $(version cscope -V)"
log "clangd: $(version clangd --version)"
command -v clang >/dev/null && log "clang:  $(version clang --version)"
command -v ld.lld >/dev/null && log "lld:    $(version ld.lld --version)"
exit 0
