import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { LoreLog } from './types';
import { sweepStaleTemporaries } from '../base/tempFiles';

/**
 * public-inbox/lei as a thread source: for a symbol, ask `lei q` on the configured externals (local public-inbox
 * inboxes, or lore URLs) with its diff-aware search terms, and let it write the matching threads as an mbox that
 * the ordinary mail parser reads. Measured on a 15,000-message inbox: lei answers in about a second where
 * parsing the same mail ourselves takes tens of seconds; see docs/lore-archive.md.
 *
 * Terms (public-inbox's Xapian prefixes, `lei q --help` / lei-q(1)): `dfhh:` the function in a hunk header,
 * `dfa:` removed lines, `dfb:` added lines, `dfn:` a file the diff touches, `s:` the subject. Each term is its
 * own argument: lei quotes an argument that holds a space as a phrase, so "a OR b" in one argument finds nothing.
 *
 * Remote externals (http/https) are queried only when the caller says the user asked for it (a command or a
 * click, in a trusted workspace); background requests use local inboxes only. A missing `lei` gives one clear
 * message naming the Debian packages, logged once, not an error per request.
 */

export const LEI_MISSING =
  'lei is not installed: install the Debian packages "lei" and "public-inbox" (scripts/install-lore-tools.sh) to search public-inbox archives and lore';

/** Cached answers an editor reads at most (each is a small mbox; the newest queries are not preferred). */
const MAX_CACHED_ANSWERS = 2000;

const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const FILE = /^[A-Za-z0-9_][A-Za-z0-9_.+/-]{0,255}$/;

/** True for an http(s) external (lore.kernel.org or another public-inbox server). */
export function isRemoteExternal(external: string): boolean {
  return /^https?:\/\//i.test(external.trim());
}

/**
 * The `lei q` search terms for a symbol, one argv element each. Throws on a name that is not a C identifier or a
 * path that is not a plain relative path, so nothing a file or a setting contains can change the query's shape.
 */
export function leiQueryTerms(symbol: string, file?: string): string[] {
  if (!SYMBOL.test(symbol)) throw new Error(`not a C identifier: ${JSON.stringify(symbol.slice(0, 80))}`);
  const diff = ['dfhh:' + symbol, 'OR', 'dfa:' + symbol, 'OR', 'dfb:' + symbol];
  if (file === undefined) return ['(', ...diff, 'OR', `s:${symbol}`, ')'];
  if (!FILE.test(file) || file.split('/').includes('..'))
    throw new Error(`not a relative path: ${JSON.stringify(file.slice(0, 80))}`);
  // The file narrows the diff terms (a common name such as `walk` in another subsystem); the subject term
  // keeps the discussions that name the symbol.
  return ['(', '(', ...diff, ')', 'AND', `dfn:${file}`, ')', 'OR', `s:${symbol}`];
}

export interface LeiSourceOptions {
  /** Local inbox folders and lei externals; http(s) URLs for remote ones. */
  externals: string[];
  /** Folder for the per-query mboxes (created when needed). */
  cacheDir: string;
  /** The `lei` program; default found on PATH. */
  lei?: string;
  timeoutMs?: number;
  /** A remote result is reused this long before an explicit request asks again. */
  remoteMaxAgeMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface LeiQueryResult {
  /** mbox (mboxrd) with the matching threads, ready for the mail parser; undefined when nothing could be asked. */
  mbox?: string;
  fromCache: boolean;
  /** Externals that were asked (remote ones left out unless allowed). */
  externals: string[];
  /** Why nothing or only part was asked, for the user. */
  note?: string;
  seconds: number;
}

interface CacheMeta {
  format: 1;
  terms: string[];
  externals: string[];
  fingerprint: string;
  writtenAt: number;
}

function fingerprintOf(external: string): string {
  if (isRemoteExternal(external)) return 'remote';
  // A V2 inbox records new mail in msgmap.sqlite3 (and its Xapian shards); a V1 inbox in its git folder.
  const probes = ['msgmap.sqlite3', 'public-inbox/msgmap.sqlite3', 'all.git', 'git', '.'];
  for (const probe of probes) {
    try {
      const stat = fs.statSync(path.join(external, probe));
      return `${probe}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      // try the next one
    }
  }
  return 'missing';
}

/** Files and folders only a public-inbox inbox (V1 or V2) or a lei store has at its top. */
const INBOX_MARKERS = ['msgmap.sqlite3', 'all.git', 'git', 'xap15', 'public-inbox', 'inbox.lock', 'objects'];

function looksLikeInbox(folder: string): boolean {
  return INBOX_MARKERS.some((name) => fs.existsSync(path.join(folder, name)));
}

/**
 * The inbox a local external names: the folder itself, or its single inbox sub-folder when the user named the
 * folder around it (`build-inbox.sh DIR` writes the inbox to DIR/inbox). lei would only say "unable to
 * determine external type" for the outer folder.
 */
export function inboxFolder(folder: string, log: LoreLog = () => undefined): string {
  if (looksLikeInbox(folder)) return folder;
  let inner: string[];
  try {
    inner = fs
      .readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && looksLikeInbox(path.join(folder, entry.name)))
      .map((entry) => path.join(folder, entry.name));
  } catch {
    return folder;
  }
  if (inner.length !== 1) return folder;
  log(`lei: ${folder} is not an inbox; using the inbox inside it, ${inner[0]}`);
  return inner[0];
}

export class LeiSource {
  private missingLogged = false;
  private available: boolean | undefined;

  constructor(
    private readonly log: LoreLog,
    private readonly options: LeiSourceOptions,
  ) {}

  /** Local externals that exist, and remote ones; missing local ones are logged once per call. */
  private usableExternals(allowRemote: boolean): { externals: string[]; skippedRemote: number } {
    const externals: string[] = [];
    let skippedRemote = 0;
    for (const raw of this.options.externals) {
      const external = raw.trim();
      if (!external) continue;
      if (isRemoteExternal(external)) {
        if (allowRemote) externals.push(external);
        else skippedRemote++;
      } else if (fs.existsSync(external)) {
        externals.push(inboxFolder(path.resolve(external), this.log));
      } else {
        this.log(`lei: external ${external} not found, skipped`);
      }
    }
    return { externals, skippedRemote };
  }

  /**
   * Threads about `symbol` from the externals, as an mbox path. Cached per query and externals: a local inbox's
   * answer is reused until the inbox changes; a remote one until `remoteMaxAgeMs` passes and only an explicit
   * request (allowRemote) refreshes it.
   */
  async query(symbol: string, opts: { file?: string; allowRemote?: boolean } = {}): Promise<LeiQueryResult> {
    const started = Date.now();
    const seconds = (): number => (Date.now() - started) / 1000;
    const terms = leiQueryTerms(symbol, opts.file);
    const { externals, skippedRemote } = this.usableExternals(opts.allowRemote ?? false);
    const remoteNote = skippedRemote
      ? `${skippedRemote} remote external(s) are only asked on an explicit request in a trusted workspace`
      : undefined;
    if (externals.length === 0)
      return { fromCache: false, externals, note: remoteNote ?? 'no lore externals configured', seconds: seconds() };
    const key = createHash('sha1').update(JSON.stringify({ terms, externals })).digest('hex').slice(0, 24);
    const mbox = path.join(this.options.cacheDir, `${key}.mbox`);
    const metaFile = path.join(this.options.cacheDir, `${key}.json`);
    const fingerprint = externals.map(fingerprintOf).join('|');
    const meta = readMeta(metaFile);
    const remote = externals.some(isRemoteExternal);
    if (
      meta &&
      fs.existsSync(mbox) &&
      meta.fingerprint === fingerprint &&
      (!remote || !opts.allowRemote || Date.now() - meta.writtenAt < (this.options.remoteMaxAgeMs ?? 86_400_000))
    ) {
      return { mbox, fromCache: true, externals, note: remoteNote, seconds: seconds() };
    }
    if (!(await this.leiAvailable())) return { fromCache: false, externals, note: LEI_MISSING, seconds: seconds() };
    fs.mkdirSync(this.options.cacheDir, { recursive: true });
    // The mbox of a lei query killed while it wrote (`<key>.mbox.<pid>.tmp`, writer gone) is removed first.
    sweepStaleTemporaries(this.options.cacheDir, 0);
    const temporary = `${mbox}.${process.pid}.tmp`;
    const args = [
      'q',
      '--no-save',
      '--threads',
      '--dedupe=mid',
      ...(remote ? ['--no-import-remote'] : ['--no-remote']),
      ...externals.flatMap((external) => ['--only', external]),
      '-o',
      `mboxrd:${temporary}`,
      ...terms,
    ];
    const run = await this.run(args);
    if (run.error || run.status !== 0) {
      fs.rmSync(temporary, { force: true });
      const detail = run.error ?? firstLines(run.stderr) ?? `exit status ${run.status}`;
      this.log(`lei: q for ${symbol} failed: ${detail}`);
      return { fromCache: false, externals, note: `lei q failed: ${detail}`, seconds: seconds() };
    }
    // lei writes nothing at all when no message matches: an empty mbox is the answer then.
    if (!fs.existsSync(temporary)) fs.writeFileSync(temporary, '');
    fs.renameSync(temporary, mbox);
    fs.writeFileSync(
      metaFile,
      JSON.stringify({ format: 1, terms, externals, fingerprint, writtenAt: Date.now() } satisfies CacheMeta),
    );
    return { mbox, fromCache: false, externals, note: remoteNote, seconds: seconds() };
  }

  /**
   * The mboxes of earlier answers for the configured externals that are still valid (a local inbox unchanged
   * since), without running lei: an editor shows them with every other mail, so the counts it shows before and
   * after a click agree. Remote answers are kept too; they are on disk, and reading them needs no network.
   */
  cachedAnswers(): string[] {
    const configured = new Set(
      this.options.externals
        .map((e) => e.trim())
        .filter(Boolean)
        .map((e) => (isRemoteExternal(e) ? e : inboxFolder(path.resolve(e)))),
    );
    let names: string[];
    try {
      names = fs.readdirSync(this.options.cacheDir).filter((name) => name.endsWith('.json'));
    } catch {
      return [];
    }
    const answers: string[] = [];
    for (const name of names.sort().slice(0, MAX_CACHED_ANSWERS)) {
      const meta = readMeta(path.join(this.options.cacheDir, name));
      if (!meta || !Array.isArray(meta.externals) || meta.externals.length === 0) continue;
      if (!meta.externals.every((external) => configured.has(external))) continue;
      if (meta.fingerprint !== meta.externals.map(fingerprintOf).join('|')) continue;
      const mbox = path.join(this.options.cacheDir, name.replace(/\.json$/, '.mbox'));
      if (fs.existsSync(mbox) && fs.statSync(mbox).size > 0) answers.push(mbox);
    }
    return answers;
  }

  private async leiAvailable(): Promise<boolean> {
    if (this.available === undefined) {
      // lei has no --version; `lei help` answers without touching any inbox.
      const probe = await this.run(['help'], 15_000);
      this.available = !probe.error && probe.status === 0;
    }
    if (!this.available && !this.missingLogged) {
      this.missingLogged = true;
      this.log(`lei: ${LEI_MISSING}`);
    }
    return this.available;
  }

  private run(
    args: string[],
    timeoutMs = this.options.timeoutMs ?? 120_000,
  ): Promise<{ status: number | null; stderr: string; error?: string }> {
    return new Promise((resolve) => {
      let stderr = '';
      let settled = false;
      const finish = (result: { status: number | null; stderr: string; error?: string }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      let child: ReturnType<typeof spawn>;
      try {
        // No shell: every term is one argument, whatever it contains.
        child = spawn(this.options.lei ?? 'lei', args, {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: this.options.env ?? process.env,
        });
      } catch (error) {
        resolve({ status: null, stderr: '', error: (error as Error).message });
        return;
      }
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish({ status: null, stderr, error: `timed out after ${Math.round(timeoutMs / 1000)} s` });
      }, timeoutMs);
      child.stderr?.on('data', (chunk: Buffer) => {
        if (stderr.length < 16_384) stderr += chunk.toString('utf8');
      });
      child.on('error', (error) =>
        finish({
          status: null,
          stderr,
          error: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'lei not found' : error.message,
        }),
      );
      child.on('close', (status) => finish({ status, stderr }));
    });
  }
}

function readMeta(file: string): CacheMeta | undefined {
  try {
    const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheMeta;
    return meta && meta.format === 1 && typeof meta.fingerprint === 'string' && typeof meta.writtenAt === 'number'
      ? meta
      : undefined;
  } catch {
    return undefined;
  }
}

function firstLines(text: string): string | undefined {
  // lei's progress lines start with "#"; the error is what is left.
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return lines.length ? lines.slice(0, 3).join(' / ').slice(0, 300) : undefined;
}
