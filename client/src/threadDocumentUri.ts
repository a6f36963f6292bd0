/**
 * URIs of the read-only review-thread documents:
 * `kernel-mm-lens-thread:/<title>?id=<Message-ID>[&symbol=<name>]`.
 * VS Code names the tab after the path's last segment, so the path holds a readable title (the subject, else a
 * shortened Message-ID) in safe characters only, and the query holds the exact Message-ID: the URI stays unique and
 * parses back to what was asked for. Pure (no `vscode`), so it is unit-tested.
 */

const TITLE_MAX = 60;
const ID_HEAD = 24;
const ID_TAIL = 20;
/** One character: "…" reads as a cut, and three dots would look like a file extension. */
const ELLIPSIS = '\u2026';

export interface ThreadDocumentRef {
  messageId: string;
  /** Focus the first reply that mentions this symbol. */
  symbol?: string;
}

/** The parts VS Code's `Uri.from({ scheme, path, query })` takes; `path` and `query` are not percent-encoded yet. */
export interface ThreadUriParts {
  path: string;
  query: string;
}

/**
 * A tab title from mail text (untrusted): letters, digits, space and `._,:()[]@+=-` only; `/` becomes `-`
 * ("mm/rmap:" stays readable and cannot split the path); anything else becomes `_`; at most TITLE_MAX characters
 * (a shortened title ends in, or a shortened Message-ID has in its middle, one `…`).
 */
export function threadDocumentTitle(messageId: string, subject?: string): string {
  const fromSubject = subject === undefined ? '' : safeTitle(subject.replace(/^(?:\s*(?:re|fwd?|aw)\s*:\s*)+/i, ''));
  if (fromSubject) return shortenAtWord(fromSubject);
  const fromId = safeTitle(messageId.replace(/^\s*<|>\s*$/g, '')) || 'thread';
  return fromId.length <= ID_HEAD + ID_TAIL + 1
    ? fromId
    : `${fromId.slice(0, ID_HEAD)}${ELLIPSIS}${fromId.slice(-ID_TAIL)}`;
}

export function threadUriParts(ref: ThreadDocumentRef, subject?: string): ThreadUriParts {
  const query = new URLSearchParams({ id: ref.messageId });
  if (ref.symbol) query.set('symbol', ref.symbol);
  return {
    // No file extension: VS Code shows the whole last segment in the tab; the language is set when the document
    // opens (features/threads.ts), not taken from an extension.
    path: `/${threadDocumentTitle(ref.messageId, subject)}`,
    query: query.toString(),
  };
}

/**
 * Back from a thread URI's path and query (as `vscode.Uri` gives them, decoded); undefined when it names no message.
 */
export function parseThreadUriParts(path: string, query: string): ThreadDocumentRef | undefined {
  const params = new URLSearchParams(query);
  const symbol = params.get('symbol') || undefined;
  let messageId = params.get('id') ?? '';
  // URIs from before the title change (still in restored editors) carried the encoded Message-ID as the path.
  if (!messageId) {
    try {
      messageId = decodeURIComponent(path.replace(/^\//, '').replace(/\.kernel-thread$/, ''));
    } catch {
      messageId = '';
    }
  }
  return messageId ? { messageId, symbol } : undefined;
}

function safeTitle(text: string): string {
  return (
    text
      .replace(/\//g, '-')
      .replace(/[^A-Za-z0-9 ._,:()[\]@+=-]/g, '_')
      .replace(/\s+/g, ' ')
      .replace(/_{2,}/g, '_')
      .trim()
      // A title never starts or ends with a dot (hidden-file look, doubled extension).
      .replace(/^\.+|\.+$/g, '')
      .trim()
  );
}

/** Cut before TITLE_MAX at the last space when there is one in the second half, marked with an ellipsis. */
function shortenAtWord(text: string): string {
  if (text.length <= TITLE_MAX) return text;
  // A space right after the kept part is a word boundary too.
  const space = text.slice(0, TITLE_MAX).lastIndexOf(' ');
  const head = space > TITLE_MAX / 2 ? text.slice(0, space) : text.slice(0, TITLE_MAX - 1);
  return `${head.trimEnd()}${ELLIPSIS}`;
}
