import { unquote } from '../lore/symbolExtraction';

/**
 * The comments of a review reply, each with the diff lines it follows: in the interleaved style of kernel review a
 * reviewer quotes a hunk (`> +	folio_walk_end(&fw, vma);`) and writes the comment under the lines it is about.
 * Only lines quoted once (`> `) belong to the patch being answered; deeper quotes are earlier rounds. Attribution
 * lines, trailers (Reviewed-by: ...) and signatures are no comments. Pure text in, data out; no language model.
 */

export interface QuotedLine {
  kind: ' ' | '+' | '-';
  text: string;
}

export interface ReplyComment {
  /** File of the quoted hunk (from `> diff --git` / `> +++ b/`), when quoted. */
  file?: string;
  /** The quoted diff lines right above the comment: the last changed lines, or the last context lines. */
  quoted: QuotedLine[];
  /** The comment's text (first lines, untrusted). */
  text: string;
}

const ATTRIBUTION = /^On .*(?:wrote|writes):\s*$|^.*\bwrote:\s*$/;
const TRAILER =
  /^(?:Reviewed-by|Acked-by|Tested-by|Signed-off-by|Suggested-by|Reported-by|Cc|Fixes|Link|Closes|Co-developed-by):/i;
/** Quoted lines kept per comment: the ones a comment is about sit right above it. */
const QUOTED_KEPT = 3;
const MAX_COMMENT_CHARS = 400;
const MAX_COMMENTS = 200;

export function replyComments(body: string): ReplyComment[] {
  const comments: ReplyComment[] = [];
  let file: string | undefined;
  let inQuotedDiff = false;
  let run: QuotedLine[] = [];
  let comment: string[] = [];
  let commentQuoted: QuotedLine[] = [];
  let commentFile: string | undefined;
  const flush = (): void => {
    const text = comment.join('\n').trim();
    if (text && commentQuoted.length > 0 && comments.length < MAX_COMMENTS)
      comments.push({ file: commentFile, quoted: commentQuoted, text: text.slice(0, MAX_COMMENT_CHARS) });
    comment = [];
  };
  for (const rawLine of body.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '-- ') break; // signature
    const { depth, text } = unquote(line);
    if (depth >= 1) {
      if (comment.length > 0) flush();
      if (depth > 1) continue;
      const git = /^diff --git a\/(\S+) b\/(\S+)/.exec(text);
      const plus = /^\+\+\+ b\/(\S+)/.exec(text);
      if (git || plus) {
        file = (git?.[2] ?? plus?.[1])!;
        inQuotedDiff = true;
        run = [];
        continue;
      }
      if (/^@@ /.test(text)) {
        inQuotedDiff = true;
        continue;
      }
      // Reviewers often trim the quote to the few lines they answer, without the diff or @@ header: outside a
      // quoted hunk, a line is a diff line when its marker is followed by a tab (kernel code is tab-indented;
      // quoted prose such as "- item" or "+1" is not).
      if (!inQuotedDiff && !/^[-+ ]\t/.test(text)) continue;
      if (/^--- /.test(text) || /^index /.test(text)) continue;
      const kind = text[0];
      if (kind === '+' || kind === '-' || kind === ' ') run.push({ kind, text: text.slice(1) });
      else if (text === '') run.push({ kind: ' ', text: '' });
      continue;
    }
    const trimmed = line.trim();
    if (!trimmed) {
      if (comment.length > 0) comment.push('');
      continue;
    }
    if (ATTRIBUTION.test(trimmed) && comment.length === 0) continue;
    if (TRAILER.test(trimmed)) continue;
    if (comment.length === 0) {
      commentQuoted = aboutLines(run);
      commentFile = file;
      run = [];
    }
    comment.push(trimmed);
  }
  flush();
  return comments;
}

/** The lines a comment is about: the last changed lines of the quoted run, or its last context lines. */
function aboutLines(run: QuotedLine[]): QuotedLine[] {
  const meaningful = run.filter((line) => line.text.trim() !== '');
  const changed = meaningful.filter((line) => line.kind !== ' ');
  const lastChanged = changed.length > 0 ? meaningful.lastIndexOf(changed[changed.length - 1]) : -1;
  // Changed lines near the end of the quote (nothing but a little context after them) are what it is about.
  if (lastChanged >= 0 && meaningful.length - 1 - lastChanged <= 2) {
    const tail: QuotedLine[] = [];
    for (let i = lastChanged; i >= 0 && tail.length < QUOTED_KEPT; i--) {
      if (meaningful[i].kind === ' ') break;
      tail.unshift(meaningful[i]);
    }
    return tail;
  }
  return meaningful.slice(-Math.min(QUOTED_KEPT, 2));
}
