import type { DiffLine, FileDiff, Hunk } from './types';

/**
 * Reads the unified diffs of one message body (git's `diff --git` sections, or plain `---`/`+++` diffs as
 * `diff -u` writes them), keeping the input line of every diff line so findings can point at the `+` line the
 * reviewer reads. Hunk lengths come from the `@@` header, as `git apply` reads them: a hunk ends when both sides
 * are counted, so the `-- ` signature after the last hunk, or a changelog line starting with `-`, is never taken
 * for a removed line. Quoted diffs (`> +foo` in a reply) are not diffs of the message and are not read here.
 */

export interface BodyLine {
  text: string;
  inputLine?: number;
}

const DIFF_GIT = /^diff --git (?:"?a\/)?(.+?)"? (?:"?b\/)?(.+?)"?$/;
const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;
/** Hunks kept per message and lines per hunk: a hostile body cannot make the review unbounded. */
const MAX_HUNKS = 5000;
const MAX_HUNK_LINES = 200_000;

export function parseUnifiedDiffs(lines: BodyLine[]): FileDiff[] {
  const files: FileDiff[] = [];
  let current: FileDiff | undefined;
  /** The current file came from a `diff --git` line whose `---`/`+++` lines are still to come. */
  let awaitingHeader = false;
  let hunks = 0;
  let i = 0;
  while (i < lines.length) {
    const text = lines[i].text;
    const git = DIFF_GIT.exec(text);
    if (git) {
      current = { oldPath: stripPrefix(git[1]), newPath: stripPrefix(git[2]), hunks: [], binary: false };
      files.push(current);
      awaitingHeader = true;
      i++;
      continue;
    }
    if (text.startsWith('--- ') && lines[i + 1]?.text.startsWith('+++ ')) {
      const oldPath = pathOfHeader(text.slice(4));
      const newPath = pathOfHeader(lines[i + 1].text.slice(4));
      if (current && awaitingHeader) {
        // The `diff --git` line named the files; these lines say which side is /dev/null.
        current.oldPath = oldPath;
        current.newPath = newPath;
      } else {
        current = { oldPath, newPath, hunks: [], binary: false };
        files.push(current);
      }
      awaitingHeader = false;
      i += 2;
      continue;
    }
    if (current && (text.startsWith('Binary files ') || text === 'GIT binary patch')) {
      current.binary = true;
      i++;
      continue;
    }
    if (current && /^(?:new|deleted) file mode /.test(text)) {
      if (text.startsWith('new')) current.oldPath = undefined;
      else current.newPath = undefined;
      i++;
      continue;
    }
    if (current && /^rename (?:from|to) /.test(text)) {
      const name = text.replace(/^rename (?:from|to) /, '');
      if (text.startsWith('rename from')) current.oldPath = name;
      else current.newPath = name;
      i++;
      continue;
    }
    const header = current ? HUNK.exec(text) : null;
    if (header && current && hunks < MAX_HUNKS) {
      awaitingHeader = false;
      const hunk: Hunk = {
        oldStart: Number(header[1]),
        oldCount: header[2] === undefined ? 1 : Number(header[2]),
        newStart: Number(header[3]),
        newCount: header[4] === undefined ? 1 : Number(header[4]),
        context: header[5] ?? '',
        lines: [],
        inputLine: lines[i].inputLine,
      };
      i++;
      let oldLeft = hunk.oldCount;
      let newLeft = hunk.newCount;
      while (i < lines.length && (oldLeft > 0 || newLeft > 0) && hunk.lines.length < MAX_HUNK_LINES) {
        const line = lines[i].text;
        if (line.startsWith('\\')) {
          i++; // "\ No newline at end of file"
          continue;
        }
        // A mailer may strip the single space of an empty context line (but the text's final newline is none).
        if (line === '' && i + 1 >= lines.length) break;
        const marker = line === '' ? ' ' : line[0];
        if (marker !== ' ' && marker !== '+' && marker !== '-') break;
        if (marker === ' ' && oldLeft > 0 && newLeft > 0) {
          oldLeft--;
          newLeft--;
        } else if (marker === '-' && oldLeft > 0) oldLeft--;
        else if (marker === '+' && newLeft > 0) newLeft--;
        else break;
        const entry: DiffLine = { kind: marker, text: line.slice(1), inputLine: lines[i].inputLine };
        hunk.lines.push(entry);
        i++;
      }
      if (i < lines.length && lines[i].text.startsWith('\\')) i++;
      current.hunks.push(hunk);
      hunks++;
      continue;
    }
    // A signature after the diff ends the message's patch text.
    if (text === '-- ' && current) break;
    i++;
  }
  return files.filter((file) => file.hunks.length > 0 || file.binary || file.oldPath !== file.newPath);
}

/** `a/mm/rmap.c` → `mm/rmap.c`; `/dev/null` → undefined; a timestamp after a tab (diff -u) is dropped. */
function pathOfHeader(raw: string): string | undefined {
  const name = raw
    .split('\t')[0]
    .trim()
    .replace(/^"(.*)"$/, '$1');
  if (name === '/dev/null') return undefined;
  return stripPrefix(name);
}

function stripPrefix(name: string): string {
  return name.replace(/^[ab]\//, '');
}
