#!/usr/bin/env bash
# install-e2e.sh: everything the end-to-end suites need, idempotent and offline apart from
# the npm registry and Debian's apt:
#   - apt: chromium (headless browser), neovim (for test:nvim), ripgrep + build tools (code-server);
#   - code-server 4.100.x (VS Code 1.100, the last line on Node 20) from npm, built against local Node headers
#     (test/e2e/install-code-server.sh);
#   - playwright-core + @vscode/vsce (pinned; vsce 3.9.x is the newest that accepts Node 20) in a tool folder.
# Nothing goes into the project's node_modules. Everything lives under $E2E_CACHE_DIR
# (default ${XDG_CACHE_HOME:-~/.cache}/kernel-mm-lens/e2e).
#
# Usage: scripts/install-e2e.sh [--vscode] [--nvim] [--tools]   (no flag = all)
# The last stdout line is the cache folder; progress goes to stderr.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${E2E_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kernel-mm-lens/e2e}"
TOOLS="$CACHE/tools"
PLAYWRIGHT_VERSION=1.65.1
VSCE_VERSION=3.9.2
log() { printf '[install-e2e] %s\n' "$*" >&2; }

want_vscode=0 want_nvim=0 want_tools=0
[ $# -eq 0 ] && { want_vscode=1; want_nvim=1; want_tools=1; }
for a in "$@"; do
  case "$a" in
    --vscode) want_vscode=1; want_tools=1 ;;
    --nvim) want_nvim=1 ;;
    --tools) want_tools=1 ;;
    *) log "unknown option $a"; exit 2 ;;
  esac
done
mkdir -p "$CACHE"

apt_install() {
  local need=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
  [ "${#need[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then log "missing Debian packages: ${need[*]} (run as root or apt-get install them)"; return 1; fi
  log "apt-get install ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2 \
    || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2; }
}

if [ "$want_tools" = 1 ]; then
  # keytar (an optional dependency of vsce) would try to download a prebuilt binary: omit optional deps.
  if [ ! -f "$TOOLS/node_modules/playwright-core/package.json" ] || [ ! -x "$TOOLS/node_modules/.bin/vsce" ] \
     || [ "$(node -p "require('$TOOLS/node_modules/@vscode/vsce/package.json').version" 2>/dev/null)" != "$VSCE_VERSION" ]; then
    mkdir -p "$TOOLS"
    [ -f "$TOOLS/package.json" ] || printf '{\n  "name": "kernel-mm-lens-e2e-tools",\n  "private": true\n}\n' > "$TOOLS/package.json"
    log "npm install playwright-core@$PLAYWRIGHT_VERSION @vscode/vsce@$VSCE_VERSION into $TOOLS"
    (cd "$TOOLS" && npm install --no-audit --no-fund --loglevel=error --omit=optional --save-exact \
      "playwright-core@$PLAYWRIGHT_VERSION" "@vscode/vsce@$VSCE_VERSION" >&2)
  else
    log "tools already installed in $TOOLS"
  fi
fi

if [ "$want_vscode" = 1 ]; then
  apt_install chromium ripgrep
  bash "$HERE/test/e2e/install-code-server.sh" "$CACHE/code-server" | tail -n1 >&2
fi

if [ "$want_nvim" = 1 ]; then
  apt_install neovim
fi

echo "$CACHE"
