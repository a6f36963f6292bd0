import * as os from 'os';
import * as path from 'path';
import type { ServerContext } from './context';
import { ThreadService } from '../lore/threadService';
import { isRemoteExternal } from '../lore/leiSource';
import { getCatalog } from '../knowledge/catalog';
import { inTreeLookup } from '../lore/threadInTree';
import type { TreeChanges } from '../knowledge/changes/treeChanges';
import type { InTreeLookup } from '../lore/threadEntry';

/**
 * The one ThreadService of a language server: the code lens count, the hover, the thread list, the thread view
 * and "why is this line" all ask this instance, so they read the same mail, the same lei answers and the same
 * ranking, and a lens count equals what a click opens. Its sources follow the settings.
 */

const services = new WeakMap<ServerContext, ThreadService>();
const listeners = new WeakMap<ServerContext, Array<() => void>>();
const lookups = new WeakMap<TreeChanges, InTreeLookup>();

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

/** Local externals like mail sources; lore URLs as they are. */
export function resolveExternals(externals: string[], root: string | undefined): string[] {
  const valid = externals.filter((e) => typeof e === 'string' && e.trim() !== '').map((e) => e.trim());
  return [
    ...valid.filter(isRemoteExternal),
    ...resolveMailSources(
      valid.filter((e) => !isRemoteExternal(e)),
      root,
    ),
  ];
}

export function threadServiceFor(ctx: ServerContext): ThreadService {
  let service = services.get(ctx);
  if (!service) {
    // The server's cache folder (initializationOptions.cacheDir, else $XDG_CACHE_HOME/kernel-mm-lens), like the index.
    const cache = ctx.cacheDir;
    service = new ThreadService((message) => ctx.log(message), {
      mailSources: () => resolveMailSources(ctx.settings().mailSources ?? [], ctx.root),
      externals: () => resolveExternals(ctx.settings().loreExternals ?? [], ctx.root),
      // Extraction cache per mail source and lei's answers, so a restart parses and asks nothing again.
      mailOptions: { cacheDir: path.join(cache, 'mail') },
      leiCacheDir: path.join(cache, 'lei'),
      useCachedLeiAnswers: true,
      catalog: () => getCatalog(),
      // "In this tree" from the code evidence of the tracked changes (the server's one TreeChanges).
      inTree: () => {
        const changes = ctx.treeChanges();
        if (!changes) return undefined;
        let lookup = lookups.get(changes);
        if (!lookup) lookups.set(changes, (lookup = inTreeLookup(changes)));
        return lookup;
      },
    });
    services.set(ctx, service);
  }
  return service;
}

/** Called when what the service answers may have changed (mail read, lei answered): code lenses refresh. */
export function onThreadsChanged(ctx: ServerContext, listener: () => void): void {
  const list = listeners.get(ctx) ?? [];
  list.push(listener);
  listeners.set(ctx, list);
}

export function threadsChanged(ctx: ServerContext): void {
  for (const listener of listeners.get(ctx) ?? []) {
    // A listener that throws (a refresh request on a connection closed by shutdown throws synchronously) must not
    // stop the others nor reject the mail warm-up that called it.
    try {
      listener();
    } catch (error) {
      ctx.log(`threads changed: ${(error as Error)?.message ?? String(error)}`);
    }
  }
}
