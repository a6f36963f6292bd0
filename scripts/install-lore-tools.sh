#!/usr/bin/env bash
# Installs the lore tooling the review-thread features can use: Debian's public-inbox (public-inbox-init,
# public-inbox-index: local inboxes with Xapian search), lei (queries inboxes and lore with diff-aware terms)
# and b4. Idempotent: prints what is already there and installs only what is missing.
# Usage: scripts/install-lore-tools.sh            (exit 0 when every tool is present afterwards)
set -euo pipefail
packages=(public-inbox lei b4)
# One command per package that proves it is usable.
declare -A probe=([public-inbox]=public-inbox-index [lei]=lei [b4]=b4)
missing=()
for package in "${packages[@]}"; do
  if command -v "${probe[$package]}" >/dev/null 2>&1; then
    echo "lore tools: $package already installed"
  else
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
sudo_cmd=""
[ "$(id -u)" = 0 ] || sudo_cmd="sudo"
start=$(date +%s)
echo "lore tools: installing Debian packages: ${missing[*]}" >&2
$sudo_cmd apt-get update -qq >&2 || true
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
for package in "${missing[@]}"; do
  command -v "${probe[$package]}" >/dev/null 2>&1 || { echo "lore tools: $package installed but ${probe[$package]} is not on PATH" >&2; exit 1; }
done
echo "lore tools: installed ${missing[*]} in $(( $(date +%s) - start )) s"
