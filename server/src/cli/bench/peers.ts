import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { createHash } from 'crypto';
import { spawnSync, spawn } from 'child_process';

/**
 * Adapters for the peer tools kernel developers use next to us: universal-ctags (definitions), GNU global
 * (definitions `global -dx`, references `global -rx`) and cscope (symbol `-L0`, definition `-L1`, callers `-L3`).
 * Each tool builds its database once into a cache folder, over the same file list as the token truth
 * (treeFiles.listCFiles), and is rebuilt only when that list changes. Queries return tree-relative files and
 * 0-based lines (global and cscope answer by line, without a column).
 */

export interface PeerLocation {
  file: string;
  line: number;
  function?: string;
  text?: string;
}

export interface PeerVersions {
  ctags?: string;
  global?: string;
  cscope?: string;
}

export function peerVersions(): PeerVersions {
  const first = (cmd: string, args: string[]) => {
    const run = spawnSync(cmd, args, { encoding: 'utf8' });
    if (run.error) return undefined;
    return `${run.stdout ?? ''}${run.stderr ?? ''}`.split('\n')[0].trim() || undefined;
  };
  return {
    ctags: first('ctags', ['--version']),
    global: first('global', ['--version']),
    cscope: first('cscope', ['-V']),
  };
}

export interface PeerDatabases {
  root: string;
  dir: string;
  /** Seconds each tool took to build its database (undefined: reused from the cache or not installed). */
  seconds: { ctags?: number; gtags?: number; cscope?: number };
  available: { ctags: boolean; global: boolean; cscope: boolean };
}

/**
 * Builds (once) the ctags tags file, the gtags database and the cscope database of `files` in `dir`,
 * each under `nice -n 10`. A stamp file holds the hash of the file list; a different list rebuilds.
 */
export async function preparePeers(
  root: string,
  files: string[],
  dir: string,
  log: (line: string) => void = () => undefined,
): Promise<PeerDatabases> {
  fs.mkdirSync(dir, { recursive: true });
  const versions = peerVersions();
  const listHash = createHash('sha1').update(files.join('\n')).digest('hex');
  const listFile = path.join(dir, 'files.txt');
  const stampOf = (tool: string) => path.join(dir, `${tool}.stamp`);
  const fresh = (tool: string) => fs.existsSync(stampOf(tool)) && fs.readFileSync(stampOf(tool), 'utf8') === listHash;
  if (!fs.existsSync(listFile) || fs.readFileSync(listFile, 'utf8') !== `${files.join('\n')}\n`)
    fs.writeFileSync(listFile, `${files.join('\n')}\n`);
  const result: PeerDatabases = {
    root,
    dir,
    seconds: {},
    available: { ctags: !!versions.ctags, global: !!versions.global, cscope: !!versions.cscope },
  };
  const build = async (tool: 'ctags' | 'gtags' | 'cscope', command: string[]) => {
    if (fresh(tool)) return;
    log(`peers: building the ${tool} database of ${files.length} files (once; cached in ${dir}) ...`);
    const start = performance.now();
    const code = await run(['nice', '-n', '10', ...command], root);
    if (code !== 0) throw new Error(`${tool} failed (exit ${code}): ${command.join(' ')}`);
    result.seconds[tool] = (performance.now() - start) / 1000;
    fs.writeFileSync(stampOf(tool), listHash);
    log(`peers: ${tool} took ${result.seconds[tool].toFixed(0)} s`);
  };
  // --excmd=number: the address is the line (no search pattern: a smaller file); members (m) are left out, the
  // sample never draws them; `file:` marks file-scope (static) definitions.
  if (result.available.ctags)
    await build('ctags', [
      'ctags',
      '--languages=C',
      '--langmap=C:.c.h',
      '--kinds-C=-m',
      '--excmd=number',
      '--fields=+nKz',
      '-f',
      path.join(dir, 'tags'),
      '-L',
      listFile,
    ]);
  if (result.available.global) await build('gtags', ['gtags', '-f', listFile, dir]);
  if (result.available.cscope)
    await build('cscope', ['cscope', '-b', '-q', '-k', '-i', listFile, '-f', path.join(dir, 'cscope.out')]);
  return result;
}

function run(command: string[], cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString();
    });
    child.on('error', () => resolve(127));
    child.on('exit', (code) => {
      if (code !== 0 && stderr) process.stderr.write(stderr);
      resolve(code ?? 1);
    });
  });
}

// ---- ctags -------------------------------------------------------------------------------------------------

/** ctags kinds of C we keep, by their full names (`--fields=+K`). */
export type CtagsKind = 'function' | 'macro' | 'struct' | 'union' | 'enum' | 'typedef' | 'enumerator' | 'variable';
const KIND_CODES: CtagsKind[] = ['function', 'macro', 'struct', 'union', 'enum', 'typedef', 'enumerator', 'variable'];

export interface CtagsDefinition {
  file: string;
  line: number;
  kind: CtagsKind;
  fileScope: boolean;
}

/**
 * Every definition of the tags file, compact: names map to flat number arrays (packed file index, kind code and
 * file-scope flag; line), since the 6.12 tree has 3 million names.
 */
export class CtagsIndex {
  private readonly byName = new Map<string, number[]>();
  private readonly fileIds = new Map<string, number>();
  readonly files: string[] = [];

  static async load(tagsFile: string): Promise<CtagsIndex> {
    const index = new CtagsIndex();
    const lines = readline.createInterface({
      input: fs.createReadStream(tagsFile, { encoding: 'utf8' }),
      crlfDelay: Infinity,
    });
    for await (const line of lines) index.addLine(line);
    return index;
  }

  /** One line of a u-ctags tags file with --excmd=number --fields=+nKz; other lines are ignored. */
  addLine(line: string): void {
    if (line.startsWith('!_')) return;
    const fields = line.split('\t');
    if (fields.length < 4) return;
    const [name, file] = fields;
    let kind: CtagsKind | undefined;
    let lineNumber = Number.parseInt(fields[2], 10);
    let fileScope = false;
    for (const field of fields.slice(3)) {
      if (field.startsWith('kind:')) kind = field.slice(5) as CtagsKind;
      else if (field.startsWith('line:')) lineNumber = Number(field.slice(5));
      else if (field === 'file:') fileScope = true;
    }
    const code = kind ? KIND_CODES.indexOf(kind) : -1;
    if (code < 0 || !Number.isFinite(lineNumber)) return;
    let fileId = this.fileIds.get(file);
    if (fileId === undefined) {
      fileId = this.files.length;
      this.files.push(file);
      this.fileIds.set(file, fileId);
    }
    // Two small integers per definition: (file id, kind, file scope) packed, and the line.
    const packed = fileId * 32 + code * 2 + (fileScope ? 1 : 0);
    const list = this.byName.get(name);
    // A new name is copied out of its line: a substring would keep the whole tags line alive (V8 sliced strings),
    // which made the 6.12 index take 1.3 GB of heap instead of 0.76 GB (3 M names).
    if (list) list.push(packed, lineNumber - 1);
    else this.byName.set(Buffer.from(name, 'utf8').toString('utf8'), [packed, lineNumber - 1]);
  }

  definitions(name: string): CtagsDefinition[] {
    const list = this.byName.get(name) ?? [];
    const out: CtagsDefinition[] = [];
    for (let k = 0; k < list.length; k += 2) {
      const packed = list[k];
      out.push({
        file: this.files[Math.floor(packed / 32)],
        line: list[k + 1],
        kind: KIND_CODES[(packed % 32) >> 1],
        fileScope: (packed & 1) === 1,
      });
    }
    return out;
  }

  /** Every name with at least one definition, in insertion order of the tags file (sorted by name). */
  names(): IterableIterator<string> {
    return this.byName.keys();
  }
}

// ---- GNU global --------------------------------------------------------------------------------------------

function globalQuery(db: PeerDatabases, flags: string, name: string): PeerLocation[] {
  // -x: "name line file text"; the database is in db.dir, the paths relative to the tree.
  const run = spawnSync('global', [flags, '-x', '--', name], {
    cwd: db.root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, GTAGSROOT: db.root, GTAGSDBPATH: db.dir },
  });
  if (run.error) throw run.error;
  const out: PeerLocation[] = [];
  for (const line of run.stdout.split('\n')) {
    const match = /^(\S+)\s+(\d+)\s+(\S+)\s?(.*)$/.exec(line);
    if (match && match[1] === name)
      out.push({ file: match[3].replace(/^\.\//, ''), line: Number(match[2]) - 1, text: match[4] });
  }
  return out;
}

/** `global -dx NAME`: definitions. */
export function globalDefinitions(db: PeerDatabases, name: string): PeerLocation[] {
  return globalQuery(db, '-d', name);
}
/** `global -rx NAME`: references (uses that are not definitions). */
export function globalReferences(db: PeerDatabases, name: string): PeerLocation[] {
  return globalQuery(db, '-r', name);
}
/** `global -sx NAME`: other symbols (names gtags found no definition for: locals, macro-generated names…). */
export function globalSymbols(db: PeerDatabases, name: string): PeerLocation[] {
  return globalQuery(db, '-s', name);
}

// ---- cscope ------------------------------------------------------------------------------------------------

function cscopeQuery(db: PeerDatabases, field: 0 | 1 | 3, name: string): PeerLocation[] {
  const run = spawnSync('cscope', ['-d', '-k', '-f', path.join(db.dir, 'cscope.out'), `-L${field}`, name], {
    cwd: db.root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  const out: PeerLocation[] = [];
  // "file function line text"
  for (const line of run.stdout.split('\n')) {
    const match = /^(\S+) (\S+) (\d+) ?(.*)$/.exec(line);
    if (match)
      out.push({ file: match[1].replace(/^\.\//, ''), function: match[2], line: Number(match[3]) - 1, text: match[4] });
  }
  return out;
}

/** `cscope -L0 NAME`: every line where the C symbol appears. */
export function cscopeSymbol(db: PeerDatabases, name: string): PeerLocation[] {
  return cscopeQuery(db, 0, name);
}
/** `cscope -L1 NAME`: global definitions. */
export function cscopeDefinitions(db: PeerDatabases, name: string): PeerLocation[] {
  return cscopeQuery(db, 1, name);
}
/** `cscope -L3 NAME`: call sites of NAME, with the calling function. */
export function cscopeCallers(db: PeerDatabases, name: string): PeerLocation[] {
  return cscopeQuery(db, 3, name);
}
