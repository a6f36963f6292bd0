import * as path from 'path';
import { fileURLToPath } from 'url';
import type { Node, Tree } from 'web-tree-sitter';
import {
  Requests,
  type BlameLineParams,
  type BlameLineResult,
  type SearchLoreExternalsParams,
  type SearchLoreExternalsResult,
  type ThreadDocumentParams,
  type ThreadDocumentResult,
  type ThreadListEntry,
  type ThreadsForSymbolParams,
} from '../../../../protocol';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import { resolveMailSources, threadServiceFor, threadsChanged } from '../threadServiceHost';
import { describeError } from '../../base/errors';

export { resolveMailSources } from '../threadServiceHost';

/**
 * Review threads over LSP custom requests, usable by any editor:
 * - kernelMmLens/threadsForSymbol {symbol} → ThreadListEntry[]: one entry per patch/series/discussion, versions
 *   folded (the code lens shows their number);
 * - kernelMmLens/threadDocument {messageId, symbol?} → plain-text thread + reply outline + line to focus + the
 *   other versions as folded ranges;
 * - kernelMmLens/searchLoreExternals {symbol, file?} → runs lei on `loreExternals` (an explicit request; only in a
 *   trusted workspace, as it runs a program and may reach lore) and returns the new list;
 * - kernelMmLens/blameLine {uri, line} → commit + thread (runs git: trusted workspaces only); without git history,
 *   the threads of the function around the line.
 * Mail sources are read in the background once the settings are known, and again when a file changes.
 */

function register(ctx: ServerContext): void {
  const service = threadServiceFor(ctx);
  // Read the mail in the background as soon as the setting is known, so the first request does not wait for it;
  // code lenses are refreshed when it is in (their counts include it).
  const warmUp = (): void =>
    void service.mail().then(
      () => threadsChanged(ctx),
      (error: unknown) => ctx.log(`mail: ${describeError(error)}`),
    );
  // A settings change that drops the mail sources is said in the log: the thread lists shrink for a reason the
  // user can see (an editor may stop passing a value, e.g. VS Code in a remote window for machine-scoped settings).
  let configured = configuredMailSources(ctx);
  ctx.onSettingsChanged(() => {
    const now = configuredMailSources(ctx);
    if (now.join('\n') !== configured.join('\n')) {
      ctx.log(
        now.length === 0
          ? `mail: the settings name no mail sources any more (${configured.length} before); threads come from the bundled index only`
          : `mail: mail sources now ${now.length}: ${now.join(', ')}`,
      );
      configured = now;
    }
    warmUp();
  });
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

  ctx.connection.onRequest(
    Requests.searchLoreExternals,
    async (params: SearchLoreExternalsParams): Promise<SearchLoreExternalsResult> => {
      const symbol = typeof params?.symbol === 'string' ? params.symbol.trim() : '';
      if (!symbol) return { message: 'No symbol given.', entries: [] };
      if (!ctx.workspaceTrusted())
        return {
          message:
            'This workspace is not trusted: lei is not run here (trust the folder to search lore externals). Answers lei gave earlier are still listed.',
          entries: await service.threadsForSymbol(symbol),
        };
      const file = typeof params.file === 'string' ? params.file : undefined;
      // A user asked (a command or a click) in a trusted workspace: remote externals may be asked too.
      const search = await service.searchExternals(symbol, { file, allowRemote: true });
      const entries = await service.threadsForSymbol(symbol);
      if (search.result?.mbox) threadsChanged(ctx);
      return { message: search.message, entries };
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
    const tree = await ctx.documents.tree(params.uri);
    const enclosing = tree ? enclosingFunctionName(tree, params.line) : undefined;
    // git finds the checkout from the file's own folder, so files outside the first workspace folder work too.
    return service.blameLine(path.dirname(file), file, params.line, enclosing);
  });
}

function configuredMailSources(ctx: ServerContext): string[] {
  return resolveMailSources(ctx.settings().mailSources ?? [], ctx.root);
}

/** Name of the function definition that contains a 0-based line, if any. */
export function enclosingFunctionName(tree: Tree, line: number): string | undefined {
  for (const fn of tree.rootNode.descendantsOfType('function_definition')) {
    if (!fn || fn.startPosition.row > line || fn.endPosition.row < line) continue;
    let declarator: Node | null = fn.childForFieldName('declarator');
    while (declarator && declarator.type !== 'function_declarator')
      declarator = declarator.childForFieldName('declarator');
    const name = declarator?.childForFieldName('declarator');
    if (name?.type === 'identifier') return name.text;
  }
  return undefined;
}

export const threadsFeature: ServerFeature = {
  name: 'threads',
  capabilities: () => ({}),
  register,
};
