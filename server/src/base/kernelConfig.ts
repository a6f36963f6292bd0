/**
 * A kernel configuration as Kconfig writes it (`.config`, Debian's `config.amd64_none_amd64.xz`,
 * `/proc/config.gz`): which CONFIG_ symbols are set, to what, and for which architecture.
 *
 * What the preprocessor sees is `include/generated/autoconf.h`, which Kconfig derives from the same file:
 * `CONFIG_X=y` defines `CONFIG_X` as 1, `CONFIG_X=m` defines `CONFIG_X_MODULE` as 1 and leaves `CONFIG_X`
 * undefined, strings, decimal and hex values define the symbol as that token, and `# CONFIG_X is not set`
 * defines nothing. `macroValue()` answers with exactly those meanings.
 *
 * Compressed files: `.gz` through node's zlib, `.xz` through the npm package `xz-decompress` (xz-embedded
 * compiled to WebAssembly, no native code, no program run), so a configuration is read the same way in a
 * restricted workspace and on any system, whether or not `xz` is installed. Both are bounded: a file that
 * decompresses past MAX_CONFIG_BYTES is refused (a configuration is about 300 kB).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/** A real configuration has a few hundred kB; anything past this is not one (or is a decompression bomb). */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** One symbol's value as written in the configuration file. */
export type ConfigValue = 'y' | 'm' | { text: string };

export interface KernelConfig {
  /** Where it was read from (absolute path), for messages and the status bar. */
  source: string;
  /** The kernel's source architecture (`arch/<arch>/`): x86, arm64, powerpc, ... when known. */
  arch: string | undefined;
  /** Symbols with their `CONFIG_` prefix, as set in the file (not-set symbols are absent). */
  symbols: ReadonlyMap<string, ConfigValue>;
  /** The version line of the file's header (`6.12.118`), when it has one. */
  kernelRelease?: string;
}

export class ConfigReadError extends Error {}

/** Reads and parses a configuration file, plain, `.gz` or `.xz` (by content, whatever the name says). */
export async function readKernelConfig(file: string): Promise<KernelConfig> {
  const absolute = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch (err) {
    throw new ConfigReadError(`cannot read ${absolute}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  // A FIFO or a device would block or never end; /proc files report size 0 and are read with a bound.
  if (!stat.isFile()) throw new ConfigReadError(`${absolute} is not a regular file`);
  if (stat.size > MAX_CONFIG_BYTES) throw new ConfigReadError(`${absolute} is too large to be a kernel configuration`);
  const raw = readBounded(absolute, MAX_CONFIG_BYTES);
  const bytes = await decompress(raw, absolute);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const config = parseKernelConfig(text, absolute);
  if (config.symbols.size === 0)
    throw new ConfigReadError(`${absolute} sets no CONFIG_ symbol: not a kernel configuration`);
  return config;
}

function readBounded(file: string, limit: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(256 * 1024);
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > limit) throw new ConfigReadError(`${file} is too large to be a kernel configuration`);
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks);
  } finally {
    fs.closeSync(fd);
  }
}

const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

async function decompress(raw: Buffer, file: string): Promise<Uint8Array> {
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return zlib.gunzipSync(raw, { maxOutputLength: MAX_CONFIG_BYTES });
    } catch (err) {
      throw new ConfigReadError(`${file}: not a readable gzip file (${(err as Error).message})`);
    }
  }
  if (XZ_MAGIC.every((byte, k) => raw[k] === byte)) return unxz(raw, file);
  return raw;
}

async function unxz(raw: Buffer, file: string): Promise<Uint8Array> {
  const { XzReadableStream } = await import('xz-decompress');
  const input = new Blob([new Uint8Array(raw)]).stream();
  const reader = new XzReadableStream(input).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_CONFIG_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw new ConfigReadError(
          `${file} decompresses to more than ${MAX_CONFIG_BYTES} bytes: not a kernel configuration`,
        );
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof ConfigReadError) throw err;
    throw new ConfigReadError(`${file}: not a readable xz file (${describe(err)})`);
  }
  return Buffer.concat(chunks);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const SET_LINE = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/;
const HEADER_ARCH = /^# Linux\/([A-Za-z0-9_]+) (\S+) Kernel Configuration/;

/**
 * The architecture a configuration builds, from the symbol its arch Kconfig always selects. The header line
 * (`# Linux/x86 6.12.118 Kernel Configuration`) says it first; these are for headerless files.
 */
const ARCH_SYMBOLS: Array<[string, string]> = [
  ['CONFIG_X86', 'x86'],
  ['CONFIG_ARM64', 'arm64'],
  ['CONFIG_ARM', 'arm'],
  ['CONFIG_PPC', 'powerpc'],
  ['CONFIG_S390', 's390'],
  ['CONFIG_RISCV', 'riscv'],
  ['CONFIG_LOONGARCH', 'loongarch'],
  ['CONFIG_MIPS', 'mips'],
  ['CONFIG_SPARC', 'sparc'],
  ['CONFIG_PARISC', 'parisc'],
  ['CONFIG_ALPHA', 'alpha'],
  ['CONFIG_M68K', 'm68k'],
  ['CONFIG_SUPERH', 'sh'],
  ['CONFIG_XTENSA', 'xtensa'],
  ['CONFIG_MICROBLAZE', 'microblaze'],
  ['CONFIG_OPENRISC', 'openrisc'],
  ['CONFIG_NIOS2', 'nios2'],
  ['CONFIG_CSKY', 'csky'],
  ['CONFIG_HEXAGON', 'hexagon'],
  ['CONFIG_ARC', 'arc'],
  ['CONFIG_UML', 'um'],
];

/** Parses the text of a configuration file (already decompressed). Unknown lines are ignored. */
export function parseKernelConfig(text: string, source: string): KernelConfig {
  const symbols = new Map<string, ConfigValue>();
  let headerArch: string | undefined;
  let kernelRelease: string | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line.startsWith('#')) {
      const header = HEADER_ARCH.exec(line);
      if (header && headerArch === undefined) {
        headerArch = header[1];
        kernelRelease = header[2];
      }
      continue;
    }
    const set = SET_LINE.exec(line);
    if (!set) continue;
    const value = set[2].trim();
    // `CONFIG_X=n` is what older tools wrote for "not set": the symbol stays undefined.
    if (value === 'n' || value === '') symbols.delete(set[1]);
    else symbols.set(set[1], value === 'y' ? 'y' : value === 'm' ? 'm' : { text: value });
  }
  let arch = headerArch && headerArch !== 'Kernel' ? normaliseArch(headerArch) : undefined;
  if (!arch) arch = ARCH_SYMBOLS.find(([symbol]) => symbols.get(symbol) === 'y')?.[1];
  return { source, arch, symbols, kernelRelease };
}

/** `ARCH=` spellings to the `arch/` folder they build (the kernel Makefile's SRCARCH). */
function normaliseArch(arch: string): string {
  if (arch === 'i386' || arch === 'x86_64') return 'x86';
  if (arch === 'sparc32' || arch === 'sparc64') return 'sparc';
  if (arch === 'sh64') return 'sh';
  if (arch === 'tilegx' || arch === 'tilepro') return 'tile';
  return arch;
}

/**
 * What the preprocessor sees for a CONFIG_ macro name (autoconf.h): undefined when Kconfig defines nothing,
 * else the replacement token. `CONFIG_X` of an `=m` symbol is undefined; `CONFIG_X_MODULE` is then "1".
 */
export function macroValue(config: Pick<KernelConfig, 'symbols'>, macro: string): string | undefined {
  const value = config.symbols.get(macro);
  if (value === 'y') return '1';
  if (value !== undefined && value !== 'm') return value.text;
  if (macro.endsWith('_MODULE')) {
    if (config.symbols.get(macro.slice(0, -'_MODULE'.length)) === 'm') return '1';
  }
  return undefined;
}

/** The configuration file a tree uses by default: `.config` at its root, if there is one. */
export function defaultConfigFile(root: string): string | undefined {
  const file = path.join(root, '.config');
  try {
    return fs.statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}
