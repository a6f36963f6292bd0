#!/usr/bin/env bash
# start.sh [--no-open] [KERNEL_TREE]        (also: npm start [-- KERNEL_TREE])
#
# The main job on a fresh clone: install the npm dependencies if needed, build, then show what Kernel MM Lens
# does on a kernel tree with the command-line program (index, hover, lint, review threads, lifecycle diagram,
# catalog). Without KERNEL_TREE it uses the small sample tree shipped in samples/mini-kernel.
# At the end it opens VS Code with the extension loaded when `code` is available (not in CI, only on a
# terminal, not with --no-open); otherwise it prints the commands to do that by hand.
# Exit status: 0 when every step worked, 1 when a step failed (the others still run), 2 for bad usage or a
# missing prerequisite (Node.js >= 20, npm ci, build, unreadable tree).
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SAMPLE="$REPO/samples/mini-kernel"
MIN_NODE_MAJOR=20
HOVER_LINES=40   # the hover is Markdown of 40-60 lines; the rest is one command away
LINT_LINES=12

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { printf '\nstart.sh: error: %s\n' "$*" >&2; exit 2; }
section() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }
[ -t 1 ] || section() { printf '\n== %s ==\n' "$*"; }
shown() { printf '$ %s\n' "$*"; }

open_code=1 tree_arg=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --no-open) open_code=0 ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) [ -z "$tree_arg" ] || die "only one KERNEL_TREE may be given"; tree_arg="$1" ;;
  esac
  shift
done

# ---- the tree (checked before the build, and before the cd below so that a relative path works) ----
if [ -n "$tree_arg" ]; then
  [ -d "$tree_arg" ] || die "$tree_arg is not a directory (expected the top of a kernel source tree)."
  TREE="$(cd "$tree_arg" && pwd)"
  CACHE_ARGS=()   # the user's default index cache ($XDG_CACHE_HOME/kernel-mm-lens), reused by later CLI calls
  grep -qE '^VERSION *=' "$TREE/Makefile" 2>/dev/null \
    || printf 'note: %s has no top-level kernel Makefile (VERSION = ...); is it the top of a kernel tree?\n' "$TREE"
else
  TREE="$SAMPLE"
  # The sample gets its own cache so a demo never touches the user's index cache; it survives reruns.
  [ -f "$SAMPLE/Makefile" ] || die "the sample tree $SAMPLE is missing; give a kernel tree: bash scripts/start.sh PATH"
  CACHE_ARGS=(--cache-dir "${TMPDIR:-/tmp}/kernel-mm-lens-sample-cache-$(id -u)")
fi

# ---- prerequisites -------------------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 \
  || die "Node.js >= $MIN_NODE_MAJOR is required and 'node' is not on PATH (Debian/Ubuntu: apt-get install nodejs npm; or https://nodejs.org)."
node_version="$(node -p 'process.versions.node' 2>/dev/null)" || die "'node' does not run"
[ "${node_version%%.*}" -ge "$MIN_NODE_MAJOR" ] 2>/dev/null \
  || die "Node.js >= $MIN_NODE_MAJOR is required; found $node_version ($(command -v node))."
command -v npm >/dev/null 2>&1 || die "npm is required (it comes with Node.js; Debian/Ubuntu: apt-get install npm)."

cd "$REPO" || die "cannot enter $REPO"
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  section "Installing dependencies (npm ci)"
  npm ci --no-audit --no-fund || die "npm ci failed (see above). It needs the npm registry once; afterwards everything runs offline."
fi

section "Building (npm run build)"
build_log="$(mktemp -t kernel-mm-lens-build.XXXXXX)"
trap 'rm -f "$build_log" "${out:-}" "${err:-}"' EXIT
if npm run --silent build >"$build_log" 2>&1; then
  tail -n 3 "$build_log"
else
  cat "$build_log" >&2
  die "the build failed (see above)."
fi

printf 'Kernel tree: %s%s\n' "$TREE" "$([ "$TREE" = "$SAMPLE" ] && echo ' (the sample shipped with Kernel MM Lens)')"

CLI=(node "$REPO/bin/kernel-mm-lens.js")
out="$(mktemp -t kernel-mm-lens-out.XXXXXX)"
err="$(mktemp -t kernel-mm-lens-err.XXXXXX)"
failed=() skipped=()

help_text="$("${CLI[@]}" --help 2>&1)" || die "the built CLI does not start: $help_text"
has_command() { printf '%s\n' "$help_text" | grep -qE "^ +$1( |$)"; }

# run_step NAME OK_CODES MAX_LINES -- ARGS...: runs the CLI and prints at most MAX_LINES lines of its output
# (0: all; -1: none, the caller shows $out itself). Records a failure when the exit status is not in OK_CODES
# (a space-separated list); the status is left in $step_status. With STEP_LIVE_STDERR=1 the CLI's stderr (its
# progress bar) goes straight to the terminal.
run_step() {
  local name="$1" ok="$2" max="$3"; shift 4
  step_status=""
  if ! has_command "$1"; then
    printf 'skipped: this build of kernel-mm-lens has no "%s" subcommand yet\n' "$1"
    skipped+=("$name")
    return 1
  fi
  shown "kernel-mm-lens $*"
  if [ "${STEP_LIVE_STDERR:-0}" = 1 ]; then
    "${CLI[@]}" "$@" >"$out"; step_status=$?; : >"$err"
  else
    "${CLI[@]}" "$@" >"$out" 2>"$err"; step_status=$?
  fi
  local total; total=$(wc -l <"$out")
  if [ "$max" -gt 0 ] && [ "$total" -gt "$max" ]; then
    head -n "$max" "$out"
    printf '  ... %d more lines\n' "$((total - max))"
  elif [ "$max" -ge 0 ]; then
    cat "$out"
  fi
  # progress bars go to stderr too; keep only the lines that say something
  local notes; notes="$(tr '\r' '\n' <"$err" | grep -vE '^\s*[0-9]+% |^\s*$')"
  if [[ " $ok " != *" $step_status "* ]]; then
    printf 'failed: %s (exit status %d)\n' "$name" "$step_status"
    [ -z "$notes" ] || printf '%s\n' "$notes" | sed 's/^/  /' | tail -n 8
    failed+=("$name")
    return 1
  fi
  notes_of_step="$(printf '%s\n' "$notes" | tail -n 3)"
  [ "$max" -lt 0 ] || [ -z "$notes" ] || printf '%s\n' "$notes_of_step"
  return 0
}

# show_lint_findings MAX: the uses (not the definitions) of removed APIs from $out, code under mm/ fs/ lib/
# drivers/ first, at most MAX lines, then how many were left out.
show_lint_findings() {
  local max="$1" uses total
  uses="$(grep -v 'removed-api-definition' "$out" | awk '{ print (/^(mm|fs|lib|drivers|virt|kernel)\//) ? "0 " $0 : "1 " $0 }' | sort -s -k1,1 | cut -c3-)"
  total=$(grep -c . "$out")
  printf '%s\n' "$uses" | head -n "$max"
  [ "$total" -le "$max" ] || printf '  ... %d more (all findings, definitions included: %s)\n' "$((total - max))" "kernel-mm-lens lint $TREE"
}

# definition_site FILE SYMBOL: prints LINE:COL (1-based) of the first definition of SYMBOL in FILE, or nothing:
# a line starting in column 1 that names SYMBOL followed by "(" (a function or a function-like #define), where
# a "{" comes before any ";" (so a prototype, even one spread over several lines, does not count).
definition_site() {
  [ -f "$1" ] || return 0
  awk -v sym="$2" '
    function name_column(line,    rest, offset, i) {
      rest = line; offset = 0
      while ((i = index(rest, sym "(")) > 0) {
        if (offset + i == 1 || substr(line, offset + i - 1, 1) !~ /[A-Za-z0-9_]/) return offset + i
        offset += i; rest = substr(rest, i + 1)
      }
      return 0
    }
    # 1: a "{" comes first, -1: a ";" comes first, 0: neither in this text
    function body_or_end(text,    brace, semi) {
      brace = index(text, "{"); semi = index(text, ";")
      if (brace && (!semi || brace < semi)) return 1
      return semi ? -1 : 0
    }
    pending {
      verdict = body_or_end($0)
      if (verdict > 0) { print site; exit }
      if (verdict < 0) pending = 0
      next
    }
    /^[A-Za-z_#]/ {
      column = name_column($0)
      if (!column) next
      site = NR ":" column
      if ($0 ~ /^#[ \t]*define/) { print site; exit }
      verdict = body_or_end(substr($0, column))
      if (verdict > 0) { print site; exit }
      pending = (verdict == 0)
    }' "$1"
}

# The tracked symbol to demonstrate: the first of these that the tree defines (old and new device-exclusive
# API, folio_walk, follow_page for trees before 6.12, then the devmap helpers).
HOVER_CANDIDATES=(
  "mm/rmap.c make_device_exclusive_range"
  "mm/rmap.c make_device_exclusive"
  "mm/pagewalk.c folio_walk_start"
  "mm/gup.c follow_page"
  "arch/x86/include/asm/pgtable.h pmd_devmap"
  "mm/memory.c do_swap_page"
)
symbol="" site="" symbol_file=""
for candidate in "${HOVER_CANDIDATES[@]}"; do
  set -- $candidate
  site="$(definition_site "$TREE/$1" "$2")"
  if [ -n "$site" ]; then symbol_file="$1" symbol="$2"; break; fi
done

# ---- the demo ------------------------------------------------------------------------------------------------
section "1. Index the tree (whole-tree C index, cached between runs)"
if ! STEP_LIVE_STDERR=1 run_step "index" "0" 0 -- index ${CACHE_ARGS[@]+"${CACHE_ARGS[@]}"} "$TREE"; then
  [ ${#skipped[@]} -gt 0 ] || die "indexing $TREE failed (see above); nothing else can be shown."
fi

section "2. Hover: what the editor shows on a tracked symbol"
if [ -n "$symbol" ]; then
  printf '%s is defined at %s:%s\n' "$symbol" "$symbol_file" "$site"
  run_step "hover" "0" "$HOVER_LINES" -- hover "$TREE/$symbol_file:$site" ${CACHE_ARGS[@]+"${CACHE_ARGS[@]}"} \
    && [ "$(wc -l <"$out")" -gt "$HOVER_LINES" ] && printf '(the whole hover: kernel-mm-lens hover %s)\n' "$symbol_file:$site"
else
  printf 'skipped: none of the demonstrated symbols is defined where expected in this tree:%s\n' \
    "$(for c in "${HOVER_CANDIDATES[@]}"; do set -- $c; printf ' %s (%s)' "$2" "$1"; done)"
  skipped+=("hover")
fi

section "3. Lint: uses of removed mm APIs (gcc-style, as in CI)"
if run_step "lint" "0 1" -1 -- lint --format text "$TREE"; then
  show_lint_findings "$LINT_LINES"
  [ -z "$notes_of_step" ] || printf '%s\n' "$notes_of_step"
  [ "$step_status" = 1 ] && printf '(exit status 1: the tree uses APIs already removed in its own version)\n'
fi
printf '\nThe same tree checked for a forward-port to 6.17, where these APIs are gone (errors, exit status 1):\n'
if run_step "lint --kernel-version 6.17" "0 1" -1 -- lint --format text --kernel-version 6.17 "$TREE"; then
  show_lint_findings 4
  [ -z "$notes_of_step" ] || printf '%s\n' "$notes_of_step"
  printf '(exit status %s%s)\n' "$step_status" "$([ "$step_status" = 1 ] && echo ': what a CI job gating on errors would see')"
fi

section "4. Review threads behind ${symbol:-make_device_exclusive_range}"
run_step "threads" "0" 20 -- threads "${symbol:-make_device_exclusive_range}"

section "5. Lifecycle diagrams"
run_step "diagram --list" "0" 0 -- diagram --list
printf '\nThe device-exclusive lifecycle as it applies to this tree (Mermaid; paste into any Mermaid viewer):\n'
run_step "diagram device-exclusive" "0" 0 -- diagram device-exclusive --format mermaid --tree "$TREE"

section "6. Catalog of tracked kernel symbols"
if has_command catalog; then
  shown "kernel-mm-lens catalog --json | (count by topic)"
  if "${CLI[@]}" catalog --json >"$out" 2>"$err"; then
    node -e '
      const entries = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const byTopic = new Map();
      for (const e of entries) for (const t of e.topics ?? []) byTopic.set(t, (byTopic.get(t) ?? 0) + 1);
      const removed = entries.filter((e) => e.removed).length;
      console.log(`${entries.length} tracked symbols (${removed} removed upstream at some release), by topic:`);
      console.log([...byTopic].sort((a, b) => b[1] - a[1]).map(([t, n]) => `  ${t}: ${n}`).join("\n"));
    ' "$out" || { printf 'failed: catalog --json did not print JSON\n'; failed+=("catalog"); }
  else
    printf 'failed: catalog (exit status %d)\n' "$?"; sed 's/^/  /' "$err" | tail -n 5; failed+=("catalog")
  fi
else
  printf 'skipped: this build of kernel-mm-lens has no "catalog" subcommand yet\n'; skipped+=("catalog")
fi

# ---- the editor ----------------------------------------------------------------------------------------------
section "Use it in an editor"
code_command=(code --extensionDevelopmentPath="$REPO" "$TREE")
if [ "$open_code" = 1 ] && [ -z "${CI:-}" ] && [ -t 1 ] && command -v code >/dev/null 2>&1; then
  printf 'Opening VS Code with the extension loaded (development mode):\n  code --extensionDevelopmentPath=%q %q\n' "$REPO" "$TREE"
  "${code_command[@]}" || printf 'note: "code" exited with status %d; run the command above by hand.\n' "$?"
else
  printf 'Open VS Code on the tree with the extension loaded from this checkout:\n'
  printf '  code --extensionDevelopmentPath="%s" "%s"\n' "$REPO" "$TREE"
  if node -e 'process.exit(require(process.argv[1]).scripts?.package ? 0 : 1)' "$REPO/package.json"; then
    printf 'Or install it for good: npm run package   (writes kernel-mm-lens-<version>.vsix, offline)\n'
    printf '  code --install-extension "%s"/kernel-mm-lens-*.vsix\n' "$REPO"
  fi
fi
printf 'Other LSP editors (Neovim, Emacs, ...): run "%s lsp --stdio" as the server for C files.\n' "$REPO/bin/kernel-mm-lens.js"

# ---- summary -------------------------------------------------------------------------------------------------
section "Summary"
join() { local IFS=','; printf '%s' "$*" | sed 's/,/, /g'; }
[ ${#skipped[@]} -eq 0 ] || printf 'skipped: %s\n' "$(join "${skipped[@]}")"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED steps: %s\n' "$(join "${failed[@]}")" >&2
  exit 1
fi
printf '%s Index cache: %s\n' "$([ ${#skipped[@]} -eq 0 ] && echo 'All steps ran.' || echo 'Done; the other steps ran.')" "$([ ${#CACHE_ARGS[@]} -gt 0 ] && echo "${CACHE_ARGS[1]}" || echo "${XDG_CACHE_HOME:-$HOME/.cache}/kernel-mm-lens")"
exit 0
