#!/usr/bin/env bash
# package.sh [--no-build] [-o OUT.vsix]
#
# Builds the production bundles and packages the extension as a .vsix with @vscode/vsce, offline.
# Packaging runs in a staging copy that holds only what the allowlist .vscodeignore names (bundles,
# wasm, catalogs, media, grammars, README/LICENSE), with `--no-dependencies` because everything is bundled,
# so the project's node_modules never reach vsce.
#   --no-build   package the dist/ that is there (tests use this after `npm run build`)
#   -o FILE      output path (default: kernel-mm-lens-<version>.vsix in the project folder)
# vsce comes from node_modules/.bin, else from the e2e tool folder (installed on demand by scripts/install-e2e.sh --tools;
# pinned 3.9.2, the newest vsce that runs on Node 20). The last stdout line is the .vsix path.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${E2E_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kernel-mm-lens/e2e}"
log() { printf '[package] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

build=1 out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    -o|--out) shift; out="${1:?-o needs a file}" ;;
    *) die "unknown option $1 (usage: package.sh [--no-build] [-o OUT.vsix])" ;;
  esac
  shift
done
VERSION="$(node -p "require('$ROOT/package.json').version")"
NAME="$(node -p "require('$ROOT/package.json').name")"
[ -n "$out" ] || out="$ROOT/$NAME-$VERSION.vsix"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

if [ "$build" = 1 ]; then
  log "production build"
  (cd "$ROOT" && node scripts/build.mjs --production >&2)
fi
for f in dist/client.js dist/server.js dist/indexWorker.js dist/mailWorker.js dist/tree-sitter.wasm dist/tree-sitter-c.wasm dist/data; do
  [ -e "$ROOT/$f" ] || die "$f is missing: run 'npm run build' first (or drop --no-build)"
done

VSCE="$ROOT/node_modules/.bin/vsce"
[ -x "$VSCE" ] || VSCE="$CACHE/tools/node_modules/.bin/vsce"
if [ ! -x "$VSCE" ]; then
  log "vsce not found; installing the pinned one into $CACHE/tools"
  bash "$ROOT/scripts/install-e2e.sh" --tools >/dev/null
fi
[ -x "$VSCE" ] || die "vsce not available"

STAGE="$(mktemp -d -t kernel-mm-lens-vsix.XXXXXX)"
trap 'rm -rf "$STAGE"' EXIT
# Copy only what may ship; .vscodeignore then filters again inside the stage (belt and braces).
cp "$ROOT/package.json" "$ROOT/.vscodeignore" "$STAGE/"
for f in README.md LICENSE; do [ -f "$ROOT/$f" ] && cp "$ROOT/$f" "$STAGE/"; done
for d in dist media syntaxes docs/images; do
  [ -d "$ROOT/$d" ] || continue
  mkdir -p "$STAGE/$(dirname "$d")"
  cp -R "$ROOT/$d" "$STAGE/$d"
done
# sources of bundled webview code and sourcemaps never ship, whatever the allowlist says
rm -rf "$STAGE/media/src"
find "$STAGE/dist" -name '*.map' -delete
# vsce runs `vscode:prepublish` when present; we built already, and the stage has no node_modules.
node -e "
const fs = require('fs'); const p = '$STAGE/package.json';
const pkg = JSON.parse(fs.readFileSync(p, 'utf8'));
delete pkg.scripts; delete pkg.devDependencies;
fs.writeFileSync(p, JSON.stringify(pkg, null, 2) + '\n');
"

mkdir -p "$(dirname "$out")"
log "vsce package ($("$VSCE" --version))"
# README links stay relative: VS Code resolves them inside the installed extension (docs/images ships).
(cd "$STAGE" && "$VSCE" package --no-dependencies --allow-missing-repository --no-rewrite-relative-links \
  --no-update-package-json -o "$out" </dev/null >&2)
[ -s "$out" ] || die "vsce produced no file"
log "wrote $out ($(du -h "$out" | cut -f1))"
echo "$out"
