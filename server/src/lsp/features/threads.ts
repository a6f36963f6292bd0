import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import {
  Requests,
  type BlameLineParams,
  type BlameLineResult,
  type ThreadDocumentParams,
  type ThreadDocumentResult,
  type ThreadListEntry,
  type ThreadsForSymbolParams,
} from '../../../../protocol';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import { ThreadService } from '../../lore/threadService';
import { defaultCacheDir } from '../../base/paths';

/**
 * Review threads over LSP custom requests, usable by any editor:
 * - kernelMmLens/threadsForSymbol {symbol} → ThreadListEntry[] (bundled index + `mailSources`, ranked);
 * - kernelMmLens/threadDocument {messageId, symbol?} → plain-text thread + reply outline + line to focus;
 * - kernelMmLens/blameLine {uri, line} → commit + thread (runs git: clients call it only in trusted workspaces).
 * Mail sources are read lazily on the first request and re-read when a file's size or mtime changes.
 */

/** `~/mail/x.mbox` and tree-relative paths in the setting become absolute paths. */
export function resolveMailSources(sources: string[], root: string | undefined): string[] {
  return sources
    .filter((source) => typeof source === 'string' && source.trim() !== '')
    .map((source) => {
      const trimmed = source.trim();
      if (trimmed === '~' || trimmed.startsWith('~/')) return path.join(os.homedir(), trimmed.slice(1));
      return path.isAbsolute(trimmed) ? trimmed : path.resolve(root ?? process.cwd(), trimmed);
    });
}

function register(ctx: ServerContext): void {
  const service = new ThreadService(
    (message) => ctx.log(message),
    () => resolveMailSources(ctx.settings().mailSources ?? [], ctx.root),
    // Extraction cache per mail source, so a restart does not parse big mailboxes again.
    { cacheDir: path.join(defaultCacheDir(), 'mail') },
  );
  // Read the mail in the background as soon as the setting is known, so the first request does not wait for it.
  const warmUp = (): void => void service.mail().catch((error) => ctx.log(`mail: ${String(error)}`));
  ctx.onSettingsChanged(warmUp);
  setTimeout(warmUp, 3000).unref();

  ctx.connection.onRequest(
    Requests.threadsForSymbol,
    async (params: ThreadsForSymbolParams): Promise<ThreadListEntry[]> => {
      if (!params || typeof params.symbol !== 'string') return [];
      return service.threadsForSymbol(params.symbol);
    },
  );

  ctx.connection.onRequest(
    Requests.threadDocument,
    async (params: ThreadDocumentParams): Promise<ThreadDocumentResult> => {
      return service.threadDocument(
        String(params?.messageId ?? ''),
        typeof params?.symbol === 'string' ? params.symbol : undefined,
      );
    },
  );

  ctx.connection.onRequest(Requests.blameLine, async (params: BlameLineParams): Promise<BlameLineResult> => {
    if (
      !params ||
      typeof params.uri !== 'string' ||
      !params.uri.startsWith('file:') ||
      !Number.isInteger(params.line) ||
      params.line < 0
    ) {
      return { message: 'Blame needs a file on disk and a line number.' };
    }
    if (!ctx.workspaceTrusted())
      return {
        message:
          'This workspace is not trusted: git blame is disabled (trust the workspace to enable "Why is this line like this?").',
      };
    const file = fileURLToPath(params.uri);
    // git finds the checkout from the file's own folder, so files outside the first workspace folder work too.
    return service.blameLine(path.dirname(file), file, params.line);
  });
}

export const threadsFeature: ServerFeature = {
  name: 'threads',
  capabilities: () => ({}),
  register,
};
