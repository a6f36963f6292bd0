import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_SETTINGS } from '../../../protocol';
import { detectKernelVersion } from '../base/kernelVersion';
import { describeError } from '../base/errors';
import type { KernelIndex } from '../indexing/types';
import { ThreadService } from '../lore/threadService';
import { getCatalog } from '../knowledge/catalog';
import { defaultLintRules } from '../lint/rules';
import type { AgentToolContext, ToolConfiguration } from '../agentTools/types';
import { ConfigurationService } from '../configuration/configurationService';
import { treeChangesOf } from '../agentTools/changeTools';

/**
 * What the MCP server's tools work on: one tree (its real path), its index (the same cache the editor and
 * `kernel-mm-lens index` use, so a warm start reads it back instead of indexing), its release from the Makefile,
 * one thread service over the mail and lei externals given on the command line, and the kernel configuration the
 * answers are ordered by (`--config`, else `.config` at the tree root, else all configurations: as `calls`).
 */

export interface McpContextOptions {
  root: string;
  cacheDir: string;
  mail: string[];
  externals: string[];
  allowRemoteLore: boolean;
  /** `--config`: '' = `.config` at the tree root if there is one, 'all' = none, else a configuration file. */
  kernelConfig?: string;
  /** `--arch`: '' = the configuration's architecture. */
  arch?: string;
  /** Do not build or load the index (tests of the tools that do not need it). */
  noIndex?: boolean;
  log: (message: string) => void;
}

export function createMcpContext(options: McpContextOptions): AgentToolContext & { ready(): Promise<void> } {
  const root = fs.realpathSync(options.root);
  const version = detectKernelVersion(root);
  let indexPromise: Promise<KernelIndex | undefined> | undefined;
  const index = (): Promise<KernelIndex | undefined> => {
    if (options.noIndex) return Promise.resolve(undefined);
    indexPromise ??= (async () => {
      const started = Date.now();
      try {
        const { buildIndex } = await import('../indexing/indexBuilder');
        const result = await buildIndex({
          root,
          cacheDir: options.cacheDir,
          maxFileSize: DEFAULT_SETTINGS.maxFileSize,
          preferredArch: DEFAULT_SETTINGS.preferredArch,
          log: options.log,
        });
        options.log(`index ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return result.index;
      } catch (error) {
        options.log(`index unavailable: ${describeError(error)}`);
        return undefined;
      }
    })();
    return indexPromise;
  };
  const threads = new ThreadService(options.log, {
    mailSources: () => options.mail,
    externals: () => options.externals,
    mailOptions: { cacheDir: path.join(options.cacheDir, 'mail') },
    leiCacheDir: path.join(options.cacheDir, 'lei'),
    useCachedLeiAnswers: true,
  });
  let configured: Promise<ToolConfiguration | undefined> | undefined;
  const configuration = (): Promise<ToolConfiguration | undefined> => {
    configured ??= (async () => {
      const service = new ConfigurationService(options.log);
      const state = await service.configure({
        root,
        kernelConfig: options.kernelConfig ?? '',
        arch: options.arch ?? '',
      });
      if (state.problem) options.log(`configuration: ${state.problem}`);
      return { service };
    })();
    return configured;
  };
  const ctx: AgentToolContext & { ready(): Promise<void> } = {
    root,
    kernelVersion: () => version,
    index,
    configuration,
    threads: () => threads,
    allowRemoteLore: options.allowRemoteLore,
    log: options.log,
    /**
     * Loads, in the background, what the first tool call would otherwise pay for: the catalog, the lint rules, the
     * mail and the thread index over it (a first explain_symbol took 3.9 s without this on the 6.12 tree), the
     * index, then the evidence of the tracked changes through it (2.2 s for the first explain_symbol without it).
     */
    async ready() {
      const knowledge = (async () => {
        getCatalog();
        defaultLintRules();
        await threads.threadsForSymbol('folio_walk_start');
      })().catch((error) => options.log(`knowledge and mail: ${describeError(error)}`));
      const evidence = index()
        .then((loaded) => void treeChangesOf(ctx, loaded).all())
        .catch((error) => options.log(`tracked changes: ${describeError(error)}`));
      await Promise.all([knowledge, evidence, configuration()]);
    },
  };
  return ctx;
}
