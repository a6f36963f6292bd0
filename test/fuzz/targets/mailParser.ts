/**
 * Fuzz target: the mail path on arbitrary bytes, as a local mbox reaches it: the mbox splitter (fed in two chunks
 * cut where the input says), the message parser, and the threader over every message parsed, plus a second
 * thread graph read straight from the bytes (ids from a small alphabet, so loops, self-references and
 * duplicates are frequent). Nothing may throw or hang, the splitter must account for every byte, and each
 * thread must be a tree: every message once, parents before children, depths one more than the parent's.
 */
import { MboxSplitter, type SplitMessage } from '../../../server/src/lore/mail/mboxSplitter';
import { parseMail } from '../../../server/src/lore/mail/parseMail';
import { DEFAULT_MAIL_LIMITS, type MailLimits } from '../../../server/src/lore/mail/limits';
import { ThreadGraph, type ThreadNodeInput } from '../../../server/src/lore/threading';
import { sanitiseLine } from '../../../server/src/lore/renderThread';
import { UNSAFE_CHARACTERS } from '../../../protocol/untrustedText';

/** Small limits, so a fuzzer's short inputs reach every limit path (cut, long line, header size, references). */
const LIMITS: MailLimits = {
  ...DEFAULT_MAIL_LIMITS,
  maxMessageBytes: 4096,
  maxHeaderBytes: 1024,
  maxReferences: 16,
  maxLineBytes: 512,
  maxMimeDepth: 4,
  maxMimeParts: 8,
};

export function fuzz(data: Buffer): void {
  const messages = split(data);
  const nodes: ThreadNodeInput[] = [];
  for (const split of messages) {
    const outcome = parseMail(
      split.content,
      { source: 'fuzz.mbox', offset: split.offset, length: split.length, cut: split.cut },
      LIMITS,
      { mboxrd: true },
    );
    if ('skipped' in outcome) continue;
    const message = outcome.message;
    if (!message.messageId) throw new Error('a parsed message without a Message-ID');
    if (message.references.length > LIMITS.maxReferences + 1)
      throw new Error(`${message.references.length} references past the limit of ${LIMITS.maxReferences}`);
    for (const [what, text] of [
      ['subject', message.subject],
      ['author', message.author],
      ['summary', message.summary ?? ''],
    ] as const) {
      const shown = sanitiseLine(text);
      UNSAFE_CHARACTERS.lastIndex = 0;
      if (UNSAFE_CHARACTERS.test(shown) || /[\r\n]/.test(shown))
        throw new Error(`${what} keeps a control character after sanitiseLine: ${JSON.stringify(shown)}`);
    }
    nodes.push({ messageId: message.messageId, references: message.references, date: message.date });
  }
  checkThreads(nodes);
  checkThreads(graphFromBytes(data));
}

/**
 * Splits like mailReader does, in two pushes cut at a point the input chooses. Messages come in order, do not
 * overlap and lie inside the input (a separator line with nothing after it is no message and is passed over).
 */
function split(data: Buffer): SplitMessage[] {
  const out: SplitMessage[] = [];
  const splitter = new MboxSplitter(
    { maxMessageBytes: LIMITS.maxMessageBytes, maxLineBytes: LIMITS.maxLineBytes },
    (m) => out.push(m),
  );
  const cut = data.length > 0 ? data[0] % (data.length + 1) : 0;
  splitter.push(data.subarray(0, cut));
  splitter.push(data.subarray(cut));
  splitter.end();
  let expected = out.length > 0 ? out[0].offset : 0;
  for (const message of out) {
    if (message.offset < expected)
      throw new Error(`message at ${message.offset} overlaps the one ending at ${expected}`);
    if (message.length < 0 || message.offset + message.length > data.length)
      throw new Error(`message [${message.offset}, +${message.length}) outside the ${data.length} input bytes`);
    if (message.content.length > LIMITS.maxMessageBytes) throw new Error('message content past maxMessageBytes');
    expected = message.offset + message.length;
  }
  return out;
}

/** Messages from bytes: each byte pair is (message id, parent id) over 16 ids; a reference list grows per id. */
function graphFromBytes(data: Buffer): ThreadNodeInput[] {
  const nodes: ThreadNodeInput[] = [];
  for (let k = 0; k + 1 < data.length && nodes.length < 256; k += 2) {
    const references: string[] = [];
    const length = data[k + 1] >> 4;
    for (let r = 0; r < length && k + 2 + r < data.length; r++) references.push(`m${data[k + 2 + r] & 15}`);
    references.push(`m${data[k + 1] & 15}`);
    nodes.push({ messageId: `m${data[k] & 15}`, references, date: String(data[k] >> 4) });
  }
  return nodes;
}

function checkThreads(nodes: ThreadNodeInput[]): void {
  const graph = new ThreadGraph(nodes);
  const ids = new Set(nodes.map((node) => node.messageId));
  for (const id of ids) {
    const thread = graph.threadOf(id);
    const root = graph.rootOf(id);
    if (thread.length === 0 || thread[0].messageId !== root)
      throw new Error(`thread of ${id} does not start at its root`);
    const depthOf = new Map<string, number>();
    for (const entry of thread) {
      if (depthOf.has(entry.messageId)) throw new Error(`${entry.messageId} twice in the thread of ${id}`);
      if (entry.parentId === undefined) {
        if (entry.depth !== 0) throw new Error(`root ${entry.messageId} at depth ${entry.depth}`);
      } else {
        const parentDepth = depthOf.get(entry.parentId);
        if (parentDepth === undefined) throw new Error(`${entry.messageId} before its parent ${entry.parentId}`);
        if (entry.depth !== parentDepth + 1) throw new Error(`${entry.messageId} at depth ${entry.depth}`);
        if (graph.parentOf(entry.messageId) !== entry.parentId) throw new Error(`parent of ${entry.messageId} differs`);
      }
      depthOf.set(entry.messageId, entry.depth);
    }
    if (!depthOf.has(id)) throw new Error(`${id} missing from its own thread`);
    if (!graph.has(id)) throw new Error(`${id} not known as a message`);
  }
}
