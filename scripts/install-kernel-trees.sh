#!/usr/bin/env bash
# Installs Debian's linux-source packages and unpacks them for benchmarks and accuracy checks.
# Usage: scripts/install-kernel-trees.sh [6.12|6.1|all] [DEST]
# DEST defaults to $KERNEL_TREES_DIR or ~/.cache/kernel-mm-lens/trees. Idempotent.
set -euo pipefail
which_trees="${1:-6.12}"
dest="${2:-${KERNEL_TREES_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kernel-mm-lens/trees}}"
case "$which_trees" in
  all) versions=(6.12 6.1) ;;
  6.12|6.1) versions=("$which_trees") ;;
  *) echo "usage: $0 [6.12|6.1|all] [DEST]" >&2; exit 2 ;;
esac
mkdir -p "$dest"
sudo_cmd=""
[ "$(id -u)" = 0 ] || sudo_cmd="sudo"
for v in "${versions[@]}"; do
  tree="$dest/linux-source-$v"
  if [ -f "$tree/Makefile" ] && [ -d "$tree/mm" ]; then
    echo "kernel tree $v: already at $tree"
    continue
  fi
  tarball=$(ls /usr/src/linux-source-"$v".tar.xz 2>/dev/null || true)
  if [ -z "$tarball" ]; then
    echo "kernel tree $v: installing Debian package linux-source-$v" >&2
    $sudo_cmd apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "linux-source-$v" >&2
    tarball=/usr/src/linux-source-"$v".tar.xz
  fi
  echo "kernel tree $v: unpacking $tarball" >&2
  tmp="$dest/.unpack-$v.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  tar -xf "$tarball" -C "$tmp"
  mv "$tmp/linux-source-$v" "$tree"
  rm -rf "$tmp"
  echo "kernel tree $v: ready at $tree"
done
