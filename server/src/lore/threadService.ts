import * as path from 'path';
import type { BlameLineResult, ThreadDocumentResult } from '../../../protocol';
import { getCatalog, type Catalog } from '../knowledge/catalog';
import { blameLineToThread } from './blame';
import { loadBundledThreads, shippedBundledThreads, type BundledThreadIndex } from './bundledThreads';
import { LeiSource, isRemoteExternal, type LeiQueryResult } from './leiSource';
import { MailIndexCache, type MailIndex, type MailIndexOptions } from './mailIndex';
import { normaliseMessageId } from './mail/headers';
import { notFound, renderBundledThread, renderMailThread } from './renderThread';
import { SymbolThreadIndex } from './symbolThreads';
import type { InTreeLookup, ThreadEntry, ThreadVersionEntry } from './threadEntry';
import type { LoreLog, MailMessage } from './types';

/**
 * The one thread service of the server: the code lens count, the hover, the picker, the CLI `threads` command,
 * the thread view (and the MCP `review_threads` tool) all ask it, and all get the same ranked entries for a
 * symbol: the bundled index, the threads the catalog entry cites, the user's mail (`mailSources`, `--mail`) and
 * the mail lei found in the configured public-inbox externals (`loreExternals`, `--external`).
 *
 * lei is only run by `searchExternals`, which a surface calls on an explicit request (the CLI's `--external`,
 * the picker's "Search lore externals" item); its answers are cached per query and, once there, are part of
 * every later answer, so a lens count and what a click opens never disagree. Remote externals (http/https) are
 * asked only when the caller says the request is explicit and the workspace is trusted.
 */

export interface ThreadServiceOptions {
  /** Local mail sources (mbox, .mbox.gz, maildir, .eml). */
  mailSources: () => string[];
  /** public-inbox inbox folders, lei externals, or lore URLs. */
  externals?: () => string[];
  /** Extraction cache etc. for the mail index. */
  mailOptions?: Partial<MailIndexOptions>;
  /** Folder of lei's per-query mboxes; without it lei is never run. */
  leiCacheDir?: string;
  /** Include every lei answer cached for the current externals (the editor), not only those asked for here. */
  useCachedLeiAnswers?: boolean;
  lei?: string;
  bundledDir?: string;
  catalog?: () => Catalog | undefined;
  /** "In this tree" from the change-evidence service, when the surface has a tree. */
  inTree?: () => InTreeLookup | undefined;
}

export interface ExternalSearch {
  /** Plain sentence for the user: what was asked and what came back. */
  message: string;
  result?: LeiQueryResult;
}

export class ThreadService {
  private bundledIndex: BundledThreadIndex | undefined;
  private readonly mailCache: MailIndexCache;
  private readonly leiAnswers = new Set<string>();
  private lei: LeiSource | undefined;
  private leiKey = '';
  private symbolIndex: { mail: MailIndex; index: SymbolThreadIndex } | undefined;

  private readonly options: ThreadServiceOptions;

  /** `new ThreadService(log, options)`; the older `(log, mailSources, mailOptions, bundledDir)` form still works. */
  constructor(
    private readonly log: LoreLog,
    options: ThreadServiceOptions | (() => string[]),
    mailOptions?: Partial<MailIndexOptions>,
    bundledDir?: string,
  ) {
    this.options = typeof options === 'function' ? { mailSources: options, mailOptions, bundledDir } : options;
    this.mailCache = new MailIndexCache(log, this.options.mailOptions);
  }

  bundled(): BundledThreadIndex {
    if (!this.bundledIndex) {
      if (this.options.bundledDir === undefined) {
        const shipped = shippedBundledThreads();
        for (const problem of shipped.problems) this.log(problem);
        this.bundledIndex = shipped.index;
      } else {
        this.bundledIndex = loadBundledThreads(this.log, this.options.bundledDir);
      }
    }
    return this.bundledIndex;
  }

  private leiSource(): LeiSource | undefined {
    const cacheDir = this.options.leiCacheDir;
    const externals = this.options.externals?.() ?? [];
    if (!cacheDir || externals.length === 0) return undefined;
    const key = JSON.stringify(externals);
    if (!this.lei || key !== this.leiKey) {
      this.lei = new LeiSource(this.log, { externals, cacheDir, lei: this.options.lei });
      this.leiKey = key;
    }
    return this.lei;
  }

  /** Mail sources of this moment: the configured ones, then lei's answers. */
  private sources(): string[] {
    const answers = new Set(this.leiAnswers);
    if (this.options.useCachedLeiAnswers) for (const mbox of this.leiSource()?.cachedAnswers() ?? []) answers.add(mbox);
    return [...this.options.mailSources(), ...answers];
  }

  mail(): Promise<MailIndex> {
    return this.mailCache.get(this.sources());
  }

  private async threadIndex(): Promise<SymbolThreadIndex> {
    return this.threadIndexFor(await this.mail());
  }

  private threadIndexFor(mail: MailIndex): SymbolThreadIndex {
    if (this.symbolIndex?.mail !== mail) {
      const catalog = this.options.catalog ? this.options.catalog() : getCatalog();
      this.symbolIndex = { mail, index: new SymbolThreadIndex(mail, this.bundled(), catalog) };
    }
    return this.symbolIndex.index;
  }

  /**
   * The entries now, without waiting for mail still being read (a hover cannot wait): `pending` says the list
   * may still grow; it is the same list as threadsForSymbol once the mail is in.
   */
  peekThreads(symbol: string): { entries: ThreadEntry[]; pending: boolean } {
    const { index, pending } = this.mailCache.peek(this.sources());
    return { entries: this.threadIndexFor(index).threadsFor(symbol, this.options.inTree?.()), pending };
  }

  /** The ranked entries for a symbol: one per patch/series/discussion. The lens count is their number. */
  async threadsForSymbol(symbol: string): Promise<ThreadEntry[]> {
    return (await this.threadIndex()).threadsFor(symbol, this.options.inTree?.());
  }

  /**
   * The posted versions of a patch (or, with `cover`, of a series' cover letter) with this title in the known mail
   * (b4's rules: same title and author, or the same patch-id under another title), latest first, each with the
   * replies it got: how `review` finds the earlier versions of the series it reviews.
   */
  async versionsOfTitle(
    title: string,
    opts: { authorEmail?: string; cover?: boolean } = {},
  ): Promise<ThreadVersionEntry[]> {
    return (await this.threadIndex()).versionsOfTitle(title, opts.authorEmail, opts.cover);
  }

  /** The patches posted under a cover letter (its direct replies that are postings, not reviews), oldest first. */
  async postingsUnder(coverMessageId: string): Promise<MailMessage[]> {
    const mail = await this.mail();
    const found: MailMessage[] = [];
    for (const message of mail.messages.values()) {
      if (message.messageId === coverMessageId || !message.isPatch) continue;
      if (message.inReplyTo === coverMessageId || message.references.at(-1) === coverMessageId) found.push(message);
    }
    return found.sort((a, b) => (a.patchNumber ?? 0) - (b.patchNumber ?? 0) || a.date.localeCompare(b.date));
  }

  /** A known message with its text (read again from its mail source), or undefined. */
  async messageWithBody(messageId: string): Promise<MailMessage | undefined> {
    const mail = await this.mail();
    const message = mail.messages.get(messageId);
    return message ? mail.withBody(message) : undefined;
  }

  /**
   * Asks lei for the threads about `symbol` in the configured externals (an explicit user request). Local
   * inboxes always; remote ones only with `allowRemote` (the caller checked the workspace is trusted).
   */
  async searchExternals(symbol: string, opts: { file?: string; allowRemote?: boolean } = {}): Promise<ExternalSearch> {
    const lei = this.leiSource();
    if (!lei) return { message: 'No lore externals are configured (kernelMmLens.loreExternals, or --external).' };
    let result: LeiQueryResult;
    try {
      result = await lei.query(symbol, opts);
    } catch (error) {
      return { message: `Cannot search lore externals for this name: ${(error as Error).message}` };
    }
    if (result.mbox) this.leiAnswers.add(result.mbox);
    const asked = result.externals.map((e) => (isRemoteExternal(e) ? e : path.basename(e))).join(', ');
    const message = result.mbox
      ? `lei searched ${asked || 'no external'} for ${symbol}${result.fromCache ? ' (cached answer)' : ''} in ${result.seconds.toFixed(1)} s${result.note ? `; ${result.note}` : ''}.`
      : `lei did not run: ${result.note ?? 'unknown reason'}.`;
    return { message, result };
  }

  async threadDocument(rawMessageId: string, symbol?: string): Promise<ThreadDocumentResult> {
    const messageId = normaliseMessageId(rawMessageId) ?? rawMessageId.trim();
    if (!messageId) return { found: false, text: 'No Message-ID given.\n', outline: [], url: '' };
    const mail = await this.mail();
    if (mail.messages.has(messageId) || mail.threads.has(mail.threads.rootOf(messageId))) {
      return renderMailThread(messageId, symbol, mail, await this.threadIndex());
    }
    if (this.bundled().byMessageId.has(messageId)) return renderBundledThread(messageId, symbol, this.bundled());
    return notFound(messageId);
  }

  /**
   * "Why is this line like this?": git blame → commit → thread. Without git history (Debian's source packages
   * are not git checkouts) it falls back to the review threads of the function around the line, which the
   * surface names (`enclosingFunction`), and says why instead of passing git's "fatal: not a git repository" on.
   */
  async blameLine(root: string, file: string, line: number, enclosingFunction?: string): Promise<BlameLineResult> {
    const outcome = await blameLineToThread(root, file, line, await this.mail(), this.bundled());
    if (!outcome.noGitHistory) return outcome;
    const where = `${path.basename(file)}:${line + 1}`;
    const why = `This tree has no git history (it is not a git checkout, as Debian's linux-source trees are not), so no commit can be blamed for ${where}.`;
    if (!enclosingFunction)
      return { message: `${why} The line is not inside a function, so there are no review threads to show instead.` };
    const threads = await this.threadsForSymbol(enclosingFunction);
    if (threads.length === 0)
      return {
        message: `${why} No review threads are known for the enclosing function ${enclosingFunction}() either; add mail (kernelMmLens.mailSources) or lore externals (kernelMmLens.loreExternals).`,
      };
    return {
      thread: threads[0],
      threads,
      via: 'enclosing-function',
      message: `${why} Showing the ${threads.length} review thread${threads.length === 1 ? '' : 's'} of the enclosing function ${enclosingFunction}() instead.`,
    };
  }
}
