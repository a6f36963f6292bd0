#!/usr/bin/env bash
# What the fuzzer needs beyond npm ci: a C++ compiler for the small glibc compat library that lets
# Jazzer.js's prebuilt addon (linked against glibc 2.38) load on Debian 12 (see scripts/fuzz/jazzerCompat.mjs).
# Idempotent; Debian packages only.
set -euo pipefail
if command -v c++ >/dev/null 2>&1; then
  echo "install-fuzz: c++ present"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq g++ >/dev/null
echo "install-fuzz: g++ installed"
