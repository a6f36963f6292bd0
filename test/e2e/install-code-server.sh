#!/usr/bin/env bash
# install-code-server.sh [DIR]
#
# Installs code-server (VS Code in the browser) from the npm registry into DIR
# (default $HOME/.cache/kernel-mm-lens/e2e/code-server) without any other network access:
# only the npm registry and Debian's apt packages are used.
#
# Idempotent: when DIR already holds a working install of the wanted version it
# does nothing. On success the LAST line printed on stdout is the absolute path
# of the code-server executable (everything else goes to stderr), so callers can
# do:   CODE_SERVER="$(bash install-code-server.sh | tail -n1)"
#
# Env:
#   CODE_SERVER_VERSION  (default 4.100.3; must be a 4.100.x build that wants Node 20)
#   FORCE=1              reinstall even when DIR looks complete
#
# Why not just `npm install code-server`? Its postinstall runs `npm install` of
# VS Code's own dependencies, and @vscode/ripgrep's postinstall downloads rg
# from GitHub, which is unreachable here. So we install with --ignore-scripts and
# replay code-server's postinstall.sh by hand, dropping Debian's rg binary into
# @vscode/ripgrep/bin/ first (its postinstall exits early when bin/ exists), and
# build every native module from source against Node's headers in /usr/include/node.
set -euo pipefail

DIR="${1:-${E2E_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kernel-mm-lens/e2e}/code-server}"
VERSION="${CODE_SERVER_VERSION:-4.100.3}"
MARKER="$DIR/.e2e-installed"

log() { printf '[install-code-server] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
MARKER="$DIR/.e2e-installed"
CS="$DIR/node_modules/code-server"
BIN="$DIR/node_modules/.bin/code-server"

# code-server writes ~/.config/code-server/config.yaml and ~/.local/share/code-server
# on every start, even for --version: point it at a throwaway place instead.
cs_version() {
  local x rc=0
  x="$(mktemp -d)"
  XDG_CONFIG_HOME="$x/config" XDG_DATA_HOME="$x/data" XDG_CACHE_HOME="$x/cache" \
    "$BIN" --version 2>/dev/null | grep -m1 "^$VERSION " || rc=$?
  rm -rf "$x"
  return $rc
}

# ---------------------------------------------------------------- fast path
if [ -z "${FORCE:-}" ] && [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$VERSION" ] && [ -x "$BIN" ]; then
  if cs_version >/dev/null; then
    log "already installed: code-server $VERSION in $DIR"
    echo "$BIN"
    exit 0
  fi
  log "marker present but '$BIN --version' fails; reinstalling"
fi
rm -f "$MARKER"

# ---------------------------------------------------------------- checks
command -v node >/dev/null || die "node not found"
command -v npm >/dev/null || die "npm not found"
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
[ "$NODE_MAJOR" = 20 ] || die "code-server $VERSION wants Node 20, found $(node --version)"

# ---------------------------------------------------------------- apt packages
# ripgrep: replaces the rg that @vscode/ripgrep would download from GitHub
# libkrb5-dev: headers for the 'kerberos' native module
# python3 make g++: node-gyp
need=()
for p in ripgrep libkrb5-dev make g++ pkg-config; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
command -v python3 >/dev/null || need+=(python3)
if [ "${#need[@]}" -gt 0 ]; then
  log "apt-get install ${need[*]}"
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2; }
  else
    die "missing packages ${need[*]} and not root"
  fi
fi
RG="$(command -v rg)" || die "rg not found after installing ripgrep"

# ---------------------------------------------------------------- build env
# node-gyp must build against the local headers, never download them.
if [ -z "${npm_config_nodedir:-}" ]; then
  NODE_PREFIX="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  if [ -f "$NODE_PREFIX/include/node/node.h" ]; then
    export npm_config_nodedir="$NODE_PREFIX"
  elif [ -f /usr/include/node/node.h ]; then
    export npm_config_nodedir=/usr
  else
    die "no Node headers found (looked in $NODE_PREFIX/include/node and /usr/include/node)"
  fi
fi
export npm_config_audit=false
export npm_config_fund=false
export npm_config_update_notifier=false
# NOTE: npm_config_build_from_source is NOT set globally: @parcel/watcher would
# then try to compile itself (its prebuilt binary comes as an npm package,
# @parcel/watcher-linux-x64-glibc, which is fine offline). Download attempts of
# prebuild-install (kerberos) fail within ~0.1 s (DNS) and fall back to node-gyp.
# node-gyp runs make -j$JOBS
export JOBS="${JOBS:-$(nproc)}"
# node-pty's postinstall runs `npx node-gyp configure` (only to write a
# compile_commands.json); the machine's npmrc says yes=false, which makes npx
# refuse to fetch node-gyp from the registry and fails the whole install.
export npm_config_yes=true
NPM=(npm --loglevel=warn --no-audit --no-fund)

log "installing code-server $VERSION into $DIR (node $(node --version), headers from $npm_config_nodedir)"
T0=$(date +%s)

# ---------------------------------------------------------------- 1. code-server itself
cd "$DIR"
if [ ! -f package.json ]; then
  printf '{\n  "name": "kernel-mm-lens-e2e-code-server",\n  "private": true\n}\n' > package.json
fi
log "step 1/5: npm install --ignore-scripts code-server@$VERSION"
"${NPM[@]}" install --ignore-scripts --save-exact "code-server@$VERSION" >&2
[ -f "$CS/package.json" ] || die "code-server not in $CS"
GOT="$(node -p "require('$CS/package.json').version")"
[ "$GOT" = "$VERSION" ] || die "installed code-server $GOT, wanted $VERSION"

# the only native dependency of code-server's own server part
log "step 2/5: build argon2 from source"
"${NPM[@]}" rebuild --build-from-source argon2 >&2

# ---------------------------------------------------------------- 2. replay postinstall.sh
cd "$CS/lib/vscode"
log "step 3/5: VS Code dependencies (npm install --omit=dev --ignore-scripts, then rebuild)"
"${NPM[@]}" install --omit=dev --ignore-scripts >&2
# @vscode/ripgrep's postinstall exits at once when its bin/ folder exists
RGDIR="node_modules/@vscode/ripgrep/bin"
mkdir -p "$RGDIR"
cp -f "$RG" "$RGDIR/rg"
chmod 755 "$RGDIR/rg"
# runs every install script now (node-gyp builds of node-pty, spdlog, kerberos,
# native-watchdog, deviceid, @parcel/watcher's check, ...)
"${NPM[@]}" rebuild >&2

log "step 4/5: symlinks from postinstall.sh"
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && rm -rf code-server && ln -s code-linux.sh code-server)
(cd bin/helpers && rm -rf browser.sh && ln -s browser-linux.sh browser.sh)

log "step 5/5: built-in extensions' shared dependencies"
cd extensions
"${NPM[@]}" install --omit=dev >&2

# ---------------------------------------------------------------- verify
cd "$DIR"
"$CS/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" --version >/dev/null || die "ripgrep copy does not run"
node -e "
const base='$CS/lib/vscode/node_modules/';
for (const m of ['node-pty','@vscode/spdlog','native-watchdog','@parcel/watcher','kerberos','@vscode/deviceid']) {
  try { require(base+m); } catch (e) { console.error('native module failed to load: '+m+': '+e.message); process.exit(1); }
}
require('$DIR/node_modules/argon2');
" >&2 || die "a native module does not load"
V="$(cs_version)" || die "'$BIN --version' failed or printed another version"
log "code-server --version: $V"
echo "$VERSION" > "$MARKER"
T1=$(date +%s)
log "done in $((T1 - T0)) s; size $(du -sh "$DIR" | cut -f1)"
echo "$BIN"
