import type { BlameLineResult, ThreadDocumentResult, ThreadListEntry } from '../../../protocol';
import { blameLineToThread } from './blame';
import { loadBundledThreads, type BundledThreadIndex } from './bundledThreads';
import { MailIndexCache, type MailIndex, type MailIndexOptions } from './mailIndex';
import { normaliseMessageId } from './parseMessage';
import { rankThreadsForSymbol } from './ranking';
import { notFound, renderBundledThread, renderMailThread } from './renderThread';
import type { LoreLog } from './types';

/**
 * One entry point for the CLI and the LSP feature: bundled index (loaded once) + the user's mail
 * (re-read only when a source's size/mtime changes).
 */
export class ThreadService {
  private bundledIndex: BundledThreadIndex | undefined;
  private readonly mailCache: MailIndexCache;

  constructor(
    private readonly log: LoreLog,
    private mailSources: () => string[],
    mailOptions: Partial<MailIndexOptions> = {},
    private readonly bundledDir?: string,
  ) {
    this.mailCache = new MailIndexCache(log, mailOptions);
  }

  bundled(): BundledThreadIndex {
    this.bundledIndex ??= loadBundledThreads(this.log, this.bundledDir);
    return this.bundledIndex;
  }

  mail(): Promise<MailIndex> {
    return this.mailCache.get(this.mailSources());
  }

  async threadsForSymbol(symbol: string): Promise<ThreadListEntry[]> {
    return rankThreadsForSymbol(symbol, this.bundled(), await this.mail());
  }

  async threadDocument(rawMessageId: string, symbol?: string): Promise<ThreadDocumentResult> {
    const messageId = normaliseMessageId(rawMessageId) ?? rawMessageId.trim();
    if (!messageId) return { found: false, text: 'No Message-ID given.\n', outline: [], url: '' };
    const mail = await this.mail();
    if (mail.messages.has(messageId) || mail.threads.has(mail.threads.rootOf(messageId))) {
      return renderMailThread(messageId, symbol, mail);
    }
    if (this.bundled().byMessageId.has(messageId)) return renderBundledThread(messageId, symbol, this.bundled());
    return notFound(messageId);
  }

  async blameLine(root: string, file: string, line: number): Promise<BlameLineResult> {
    return blameLineToThread(root, file, line, await this.mail(), this.bundled());
  }
}
