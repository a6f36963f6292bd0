/**
 * The configuration answers are given for: a kernel configuration file and an architecture, or "all
 * configurations" (every branch live, today's behaviour). One service for every surface: the LSP's inactive
 * regions, ranking and lint, the CLI's `regions`, the bench.
 *
 * Where the configuration comes from, first that applies: the `kernelConfig` setting (a path, absolute, `~/…` or
 * relative to the tree; `all` for all configurations), else `.config` at the tree root, else all configurations.
 * The architecture: the `arch` setting, else the configuration's own, else none (every `arch/` folder live).
 * Switching re-evaluates files (a few ms each, on demand); the index is one for all configurations and is
 * never rebuilt for a switch.
 */
import * as os from 'os';
import * as path from 'path';
import { ConfigReadError, defaultConfigFile, readKernelConfig, type KernelConfig } from '../base/kernelConfig';
import * as fs from 'fs';
import { inactiveRegions, regionAt, type ConfigurationView, type InactiveRegion } from '../parsing/inactiveRegions';
import { KbuildTree, type BuildState } from './kbuild';

/** A makefile larger than this is not evaluated (no real Kbuild file comes near). */
const MAX_MAKEFILE_BYTES = 1024 * 1024;

/** The `kernelConfig` setting's value meaning "no configuration: every branch live". */
export const ALL_CONFIGURATIONS = 'all';

export interface ConfigurationState {
  /** 'config': a configuration file is in use; 'all': every branch is live (maybe with an architecture). */
  mode: 'config' | 'all';
  /** Absolute path of the configuration file in use. */
  file?: string;
  /** Architecture whose `arch/` folder is live (others are inactive); undefined = all. */
  arch?: string;
  /** Where the architecture comes from. */
  archFrom?: 'setting' | 'config';
  /** Number of symbols set. */
  symbols?: number;
  /** Why the wanted configuration is not in use (unreadable file, ...). */
  problem?: string;
}

/** Whether a definition (or any line) is compiled in the configuration in use. */
export interface Liveness {
  state: 'live' | 'inactive' | 'unknown';
  /** For inactive lines: the region and why. */
  region?: InactiveRegion;
}

export interface ConfigurationRequest {
  /** Tree root (absolute), for `.config` and relative paths. */
  root?: string;
  /** `kernelConfig` setting: '' (auto), 'all', or a path. */
  kernelConfig: string;
  /** `arch` setting: '' (from the configuration) or an `arch/` folder name. */
  arch: string;
}

export class ConfigurationService {
  private current: ConfigurationState = { mode: 'all' };
  private config: KernelConfig | undefined;
  private viewCache: ConfigurationView | undefined;
  private readonly regionCache = new Map<string, InactiveRegion[]>();
  private readonly listeners: Array<(state: ConfigurationState) => void> = [];
  private lastRequest: string | undefined;
  private generation = 0;
  private root: string | undefined;
  private kbuild: KbuildTree | undefined;

  constructor(private readonly log: (message: string) => void = () => undefined) {}

  /** Applies settings; reads the configuration file when it changed. Resolves once the new state is in force. */
  async configure(request: ConfigurationRequest, reread = false): Promise<ConfigurationState> {
    const key = JSON.stringify(request);
    if (key === this.lastRequest && !reread) return this.current;
    if (reread) this.config = undefined;
    this.lastRequest = key;
    const generation = ++this.generation;
    const wanted = resolveConfigFile(request);
    let config: KernelConfig | undefined;
    let problem: string | undefined;
    if (wanted) {
      try {
        config = this.config?.source === wanted ? this.config : await readKernelConfig(wanted);
      } catch (err) {
        problem = err instanceof ConfigReadError ? err.message : `cannot read ${wanted}: ${String(err)}`;
        this.log(`kernel configuration: ${problem}; showing all configurations`);
      }
    }
    if (generation !== this.generation) return this.current; // a newer request won
    const arch = request.arch.trim() || config?.arch;
    this.config = config;
    this.current = {
      mode: config ? 'config' : 'all',
      file: config?.source,
      arch: arch || undefined,
      archFrom: request.arch.trim() ? 'setting' : config?.arch ? 'config' : undefined,
      symbols: config?.symbols.size,
      problem,
    };
    this.viewCache = undefined;
    this.regionCache.clear();
    this.root = request.root;
    this.kbuild = this.makeKbuild();
    if (config)
      this.log(`kernel configuration: ${config.source} (${config.symbols.size} symbols, arch ${arch ?? '?'})`);
    for (const listener of this.listeners) listener(this.current);
    return this.current;
  }

  /** Uses an already-read configuration (the CLI's `--config`, tests); `root` lets it read the tree's makefiles. */
  use(config: KernelConfig | undefined, arch?: string, root?: string): void {
    this.generation++;
    this.lastRequest = undefined;
    this.config = config;
    const chosen = arch || config?.arch;
    this.current = {
      mode: config ? 'config' : 'all',
      file: config?.source,
      arch: chosen,
      archFrom: arch ? 'setting' : config?.arch ? 'config' : undefined,
      symbols: config?.symbols.size,
    };
    this.viewCache = undefined;
    this.regionCache.clear();
    this.root = root;
    this.kbuild = this.makeKbuild();
    for (const listener of this.listeners) listener(this.current);
  }

  state(): ConfigurationState {
    return this.current;
  }

  onChange(listener: (state: ConfigurationState) => void): void {
    this.listeners.push(listener);
  }

  /** What evaluation needs, or undefined in "all configurations" without an architecture (nothing inactive). */
  view(): ConfigurationView | undefined {
    if (!this.config && !this.current.arch) return undefined;
    this.viewCache ??= { config: this.config, arch: this.current.arch };
    return this.viewCache;
  }

  /**
   * Inactive regions of a file with the given text (an open document); remembered until `forget(file)` unless
   * `remember` is false (a whole-tree lint reads thousands of files once).
   */
  regions(file: string, text: string, remember = true): InactiveRegion[] {
    const view = this.view();
    if (!view) return [];
    const regions = inactiveRegions(file, text, view);
    if (remember) this.regionCache.set(file, regions);
    return regions;
  }

  /** Inactive regions of a tree file, from the cache or computed from `textOf(file)`. */
  regionsOfFile(file: string, textOf: (file: string) => string | undefined): InactiveRegion[] {
    const view = this.view();
    if (!view) return [];
    const cached = this.regionCache.get(file);
    if (cached) return cached;
    const text = textOf(file);
    if (text === undefined) return [];
    const regions = inactiveRegions(file, text, view);
    // Bounded: the ranking of a name with hundreds of definitions must not keep every file's regions forever.
    if (this.regionCache.size > 20000) this.regionCache.clear();
    this.regionCache.set(file, regions);
    return regions;
  }

  /** A file changed (edited, saved, deleted): its regions are computed again when next asked. */
  forget(file: string): void {
    this.regionCache.delete(file);
    if (/(?:^|\/)(?:Makefile|Kbuild)$/.test(file)) this.kbuild = this.makeKbuild();
  }

  /**
   * Whether a tree file's object is built in this configuration, by the Kbuild makefiles (`obj-$(CONFIG_X) +=
   * foo.o`): 'unknown' without a configuration, for headers, and whenever the makefiles do not say for certain.
   */
  buildState(file: string): BuildState {
    return this.kbuild?.fileState(file) ?? { state: 'unknown' };
  }

  private makeKbuild(): KbuildTree | undefined {
    const root = this.root;
    if (!this.config || !root) return undefined;
    return new KbuildTree(this.config, (file) => {
      try {
        const absolute = path.join(root, file);
        const stat = fs.statSync(absolute);
        return stat.isFile() && stat.size <= MAX_MAKEFILE_BYTES ? fs.readFileSync(absolute, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    });
  }

  /**
   * Definitions live in this configuration first, then those not decided, then inactive ones (an `#else` stub of
   * a configured-in feature, another architecture's): a stable reorder, nothing dropped. Only the first `limit`
   * are evaluated (each distinct file once); the rest keep their place after them. Unchanged in "all
   * configurations".
   */
  rankByLiveness<T extends { file: string; nameRange: { start: { line: number } } }>(
    items: readonly T[],
    textOf: (file: string) => string | undefined,
    limit = 64,
  ): T[] {
    if (!this.view() || items.length < 2) return [...items];
    const head = items.slice(0, limit);
    const order = { live: 0, unknown: 1, inactive: 2 } as const;
    const ranked = head
      .map((item, position) => ({
        item,
        position,
        rank: order[this.liveness(item.file, item.nameRange.start.line, textOf).state],
      }))
      .sort((a, b) => a.rank - b.rank || a.position - b.position)
      .map((entry) => entry.item);
    return [...ranked, ...items.slice(limit)];
  }

  /**
   * A list of several names (workspace symbols): each name keeps the places its items had, and among them the live
   * ones come first, then the undecided, then the inactive ones; each item with its liveness so that a surface can
   * mark it. The places stay so that the list keeps one entry per name first (workspaceSymbols.ts): pulling a name's
   * other definitions up next to its first filled the first screen with one name's #else stubs and per-arch copies
   * (in the bench's sample, two names of 231 fell out of the top five that way). Only the first `limit` items are
   * evaluated; the others are 'unknown'.
   */
  rankWithinNames<T extends { name: string; file: string; nameRange: { start: { line: number } } }>(
    items: readonly T[],
    textOf: (file: string) => string | undefined,
    limit = 64,
  ): Array<{ item: T; liveness: Liveness }> {
    if (!this.view()) return items.map((item) => ({ item, liveness: { state: 'unknown' } }));
    const order = { live: 0, unknown: 1, inactive: 2 } as const;
    const byName = new Map<string, Array<{ item: T; liveness: Liveness; position: number }>>();
    items.forEach((item, position) => {
      const liveness: Liveness =
        position < limit ? this.liveness(item.file, item.nameRange.start.line, textOf) : { state: 'unknown' };
      const group = byName.get(item.name) ?? [];
      group.push({ item, liveness, position });
      byName.set(item.name, group);
    });
    const out = new Array<{ item: T; liveness: Liveness }>(items.length);
    for (const group of byName.values()) {
      const places = group.map((entry) => entry.position);
      group
        .sort((a, b) => order[a.liveness.state] - order[b.liveness.state] || a.position - b.position)
        .forEach(({ item, liveness }, k) => (out[places[k]] = { item, liveness }));
    }
    return out;
  }

  /**
   * Whether `line` (0-based) of a tree file is compiled in this configuration: a file whose object the makefiles
   * do not build is inactive as a whole; else the line's `#if` groups decide.
   */
  liveness(file: string, line: number, textOf: (file: string) => string | undefined): Liveness {
    const view = this.view();
    if (!view) return { state: 'unknown' };
    const build = this.buildState(file);
    if (build.state === 'not-built')
      return {
        state: 'inactive',
        region: { first: 0, last: Number.MAX_SAFE_INTEGER, reason: 'not-built', directive: build.why },
      };
    const region = regionAt(this.regionsOfFile(file, textOf), line);
    return region ? { state: 'inactive', region } : { state: 'live' };
  }
}

/** The configuration file a request asks for, or undefined for all configurations. */
export function resolveConfigFile(request: ConfigurationRequest): string | undefined {
  const setting = request.kernelConfig.trim();
  if (setting === ALL_CONFIGURATIONS) return undefined;
  if (setting === '') return request.root ? defaultConfigFile(request.root) : undefined;
  if (setting === '~' || setting.startsWith('~/')) return path.join(os.homedir(), setting.slice(1));
  if (path.isAbsolute(setting)) return setting;
  return path.resolve(request.root ?? process.cwd(), setting);
}

/** One line saying why a line is inactive, for hovers, call hierarchy details and symbol lists. */
export function describeInactive(region: InactiveRegion): string {
  switch (region.reason) {
    case 'other-arch':
      return `other architecture (${region.directive ?? 'arch/'})`;
    case 'not-built':
      return `not built: ${region.directive ?? 'its makefile leaves it out'}`;
    case 'branch-taken':
      return `#else branch: ${region.directive ?? 'an earlier branch'} taken`;
    default:
      return `config off: ${region.directive ?? 'condition false'}`;
  }
}
