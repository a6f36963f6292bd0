#!/usr/bin/env bash
# Builds a public-inbox V2 inbox (git + Xapian) from an mbox, for `lei q --only DIR` / `--external DIR`.
# Usage: scripts/lore-archive/build-inbox.sh MBOX DIR [NAME]
# The inbox is registered in a public-inbox config kept inside DIR (PI_CONFIG), so the user's own
# ~/.public-inbox/config is never touched. DIR must not exist yet (or be an inbox built by this script: rebuilt).
set -euo pipefail
mbox="${1:?usage: build-inbox.sh MBOX DIR [NAME]}"
dir="${2:?usage: build-inbox.sh MBOX DIR [NAME]}"
name="${3:-$(basename "$dir")}"
for tool in public-inbox-init public-inbox-index perl; do
  command -v "$tool" >/dev/null || { echo "build-inbox: $tool not found: run scripts/install-lore-tools.sh (Debian packages public-inbox, lei)" >&2; exit 1; }
done
if [ -e "$dir" ]; then
  [ -f "$dir/.kernel-mm-lens-inbox" ] || { echo "build-inbox: $dir exists and was not built by this script" >&2; exit 1; }
  rm -rf "$dir"
fi
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
export PI_CONFIG="$dir/.public-inbox-config"
start=$(date +%s)
# -L medium: the Xapian index with the diff-aware terms (dfa:, dfb:, dfhh:, dfn:) that lei's queries use.
public-inbox-init -V2 -L medium "$name" "$dir/inbox" "http://localhost/$name" "$name@localhost"
# public-inbox has no mbox import command; its own InboxWritable::import_mbox reads mboxrd and indexes as it goes.
perl -MPublicInbox::Config -MPublicInbox::InboxWritable -e '
  my ($name, $mbox) = @ARGV;
  my $ibx = PublicInbox::Config->new->lookup_name($name) or die "inbox $name not configured\n";
  $ibx = PublicInbox::InboxWritable->new($ibx);
  open my $fh, "<", $mbox or die "$mbox: $!\n";
  $ibx->import_mbox($fh, "mboxrd");
' "$name" "$mbox"
public-inbox-index "$dir/inbox"
touch "$dir/.kernel-mm-lens-inbox"
echo "build-inbox: $dir/inbox from $mbox in $(( $(date +%s) - start )) s"
