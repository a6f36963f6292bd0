#!/usr/bin/env bash
# Installs Debian's chromium for the headless-browser tests (test/diagrams/webview.test.ts drives it with
# playwright-core; nothing is downloaded by npm). Without it those tests are skipped, not failed.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo unknown)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
/usr/bin/chromium --version || true
