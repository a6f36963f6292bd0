/**
 * Which objects a directory's Kbuild makefile builds under a configuration: `obj-$(CONFIG_X) += foo.o`,
 * composite objects (`page-alloc-y := page_alloc.o`, `foo-objs`), `:=` replacing an earlier value
 * (`mmu-y := nommu.o` then `mmu-$(CONFIG_MMU) := memory.o ...`), `$(var)` references, and `ifdef`/`ifndef`/`ifeq`/
 * `ifneq` over CONFIG_ symbols. Only what is certain counts as "not built": a name made by any other make function
 * (`$(if ...)`, `$(subst ...)`), an assignment under a condition that cannot be decided, or an object the makefile
 * never names leaves the file undecided — and undecided code stays live, as for `#if`.
 */
import type { KernelConfig } from '../base/kernelConfig';

/** One object in a variable's value; `certain` false when it may or may not be there. */
interface Word {
  text: string;
  certain: boolean;
}

/** Where an object is named, for saying why it is not built: `obj-$(CONFIG_ZONE_DEVICE) += memremap.o`. */
interface Mention {
  /** The variable as written (`obj-$(CONFIG_ZONE_DEVICE)`). */
  variable: string;
  /** 0-based line of the makefile. */
  line: number;
}

export interface KbuildEvaluation {
  /** Whether an object (`memremap.o`) or a subdirectory (`damon/`) is built: undefined when not decided. */
  built(object: string): boolean | undefined;
  /** Where an object is named (first mention), for a reason. */
  mentionOf(object: string): Mention | undefined;
}

interface Statement {
  line: number;
  text: string;
}

/** Logical lines: continuations joined, comments removed (a `#` not escaped), blank lines dropped. */
function logicalLines(text: string): Statement[] {
  const lines = text.split(/\r?\n/);
  const statements: Statement[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = i;
    let joined = lines[i];
    while (joined.endsWith('\\') && i + 1 < lines.length) joined = `${joined.slice(0, -1)} ${lines[++i]}`;
    const hash = joined.search(/(?<!\\)#/);
    const code = (hash >= 0 ? joined.slice(0, hash) : joined).trim();
    if (code) statements.push({ line: first, text: code });
  }
  return statements;
}

type Config = Pick<KernelConfig, 'symbols'>;

/** `$(CONFIG_X)` → 'y', 'm', its text, or '' when unset; undefined for any other reference. */
function configReference(name: string, config: Config): string | undefined {
  if (!/^CONFIG_\w+$/.test(name)) return undefined;
  const value = config.symbols.get(name);
  if (value === undefined) return '';
  return typeof value === 'string' ? value : value.text.replace(/^"|"$/g, '');
}

/** Expands CONFIG_ references of a variable name; undefined when another reference or function is in it. */
function expandName(name: string, config: Config): string | undefined {
  let unknown = false;
  const expanded = name.replace(/\$[({]([^)}]*)[)}]/g, (_, inner: string) => {
    const value = configReference(inner.trim(), config);
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown || expanded.includes('$') ? undefined : expanded;
}

/** A condition of `ifdef`/`ifndef`/`ifeq`/`ifneq`: true, false, or undefined when it cannot be decided. */
function decideCondition(keyword: string, argument: string, config: Config): boolean | undefined {
  if (keyword === 'ifdef' || keyword === 'ifndef') {
    const value = configReference(argument.trim(), config);
    if (value === undefined) return undefined;
    return keyword === 'ifdef' ? value !== '' : value === '';
  }
  // `ifeq ($(CONFIG_X),y)`; the quoted form and nested functions stay undecided.
  const pair = /^\(\s*([^,]*?)\s*,\s*([^)]*?)\s*\)$/.exec(argument.trim());
  if (!pair) return undefined;
  const left = expandValue(pair[1], config);
  const right = expandValue(pair[2], config);
  if (left === undefined || right === undefined) return undefined;
  return keyword === 'ifeq' ? left === right : left !== right;
}

function expandValue(text: string, config: Config): string | undefined {
  let unknown = false;
  const expanded = text.replace(/\$[({]([^)}]*)[)}]/g, (_, inner: string) => {
    const value = configReference(inner.trim(), config);
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown ? undefined : expanded.trim();
}

const ASSIGNMENT = /^([^\s:+?!=]+(?:\$[({][^)}]*[)}][^\s:+?!=]*)*)\s*(\+=|:=|::=|\?=|=)\s*(.*)$/;

/** Evaluates a Kbuild makefile's text under a configuration. */
export function evaluateKbuild(text: string, config: Config): KbuildEvaluation {
  const variables = new Map<string, Word[]>();
  const mentions = new Map<string, Mention>();
  const named = new Set<string>();
  /** Each open conditional: whether its current branch is taken (undefined: not decided). */
  const frames: Array<{ taken: boolean | undefined; decided: boolean | undefined }> = [];
  const active = () => frames.every((f) => f.taken !== false);
  const certain = () => frames.every((f) => f.taken === true);

  for (const { line, text: statement } of logicalLines(text)) {
    const conditional = /^(ifdef|ifndef|ifeq|ifneq)\s+(.*)$/.exec(statement);
    if (conditional) {
      const taken = decideCondition(conditional[1], conditional[2], config);
      frames.push({ taken, decided: taken });
      continue;
    }
    const elseBranch = /^else(?:\s+(ifdef|ifndef|ifeq|ifneq)\s+(.*))?$/.exec(statement);
    if (elseBranch && frames.length > 0) {
      const frame = frames[frames.length - 1];
      const earlier = frame.decided;
      if (earlier === true) frame.taken = false;
      else if (!elseBranch[1]) frame.taken = earlier === false ? true : undefined;
      else {
        const taken = decideCondition(elseBranch[1], elseBranch[2], config);
        frame.taken = earlier === false ? taken : taken === false ? false : undefined;
        frame.decided = earlier === undefined || taken === undefined ? undefined : taken;
      }
      continue;
    }
    if (statement === 'endif') {
      frames.pop();
      continue;
    }
    const assignment = ASSIGNMENT.exec(statement);
    if (!assignment) continue;
    const [, rawName, operator, value] = assignment;
    const objects = value.split(/\s+/).filter(Boolean);
    for (const object of objects)
      if (/^[\w.-]+(?:\.o|\/)$/.test(object)) {
        named.add(object);
        if (!mentions.has(object)) mentions.set(object, { variable: rawName, line });
      }
    if (!active()) continue;
    const name = expandName(rawName, config);
    if (name === undefined) {
      // `obj-$(if $(CONFIG_A),y) += foo.o`: which variable it feeds is unknown; the objects it names are undecided.
      for (const object of objects) variables.set(`?${object}`, [{ text: object, certain: false }]);
      continue;
    }
    const sure = certain();
    const words = objects.map((text) => ({ text, certain: sure }));
    const previous = variables.get(name) ?? [];
    if (operator === '+=') variables.set(name, [...previous, ...words]);
    else if (operator === '?=') variables.set(name, previous.length > 0 ? previous : words.map(uncertainIf(!sure)));
    else variables.set(name, sure ? words : [...previous.map(uncertainIf(true)), ...words]);
  }

  /** The objects of a variable, `$(var)` references expanded (cycles and depth bounded). */
  const expand = (name: string, depth = 0): Word[] => {
    if (depth > 8) return [];
    const result: Word[] = [];
    for (const word of variables.get(name) ?? []) {
      const reference = /^\$[({]([^)}\s]+)[)}]$/.exec(word.text);
      if (!reference) result.push(word);
      else
        for (const inner of expand(reference[1], depth + 1))
          result.push({ text: inner.text, certain: inner.certain && word.certain });
    }
    return result;
  };

  // Objects built: obj-y, obj-m, lib-y (and the `?` entries of undecided names, as maybe), then composites.
  const built = new Map<string, boolean>();
  const add = (word: Word, depth: number) => {
    const before = built.get(word.text);
    if (before === true || (before === false && !word.certain)) return;
    built.set(word.text, word.certain);
    if (depth > 8 || !word.text.endsWith('.o')) return;
    const composite = word.text.slice(0, -2);
    for (const suffix of ['-y', '-objs', '-m'])
      for (const part of expand(`${composite}${suffix}`))
        add({ text: part.text, certain: part.certain && word.certain }, depth + 1);
  };
  for (const top of ['obj-y', 'obj-m', 'lib-y', 'lib-m', 'extra-y', 'always-y'])
    for (const word of expand(top)) add(word, 0);
  for (const [name, words] of variables) if (name.startsWith('?')) for (const word of words) add(word, 0);

  return {
    built(object) {
      const state = built.get(object);
      if (state === true) return true;
      if (state === false) return undefined;
      return named.has(object) ? false : undefined;
    },
    mentionOf: (object) => mentions.get(object),
  };
}

function uncertainIf(uncertain: boolean): (word: Word) => Word {
  return (word) => (uncertain ? { text: word.text, certain: false } : word);
}

export type BuildState =
  | { state: 'built' | 'unknown' }
  /** `why`: the makefile line that names it under an option that is off (`mm/Makefile:141 obj-$(CONFIG_X)`). */
  | { state: 'not-built'; why: string };

/** At most this many directories' evaluations are kept (a ranking touches a few hundred at most). */
const MAX_DIRECTORIES = 4096;

/**
 * Whether a tree file's object is built under a configuration, from the Kbuild makefiles of its directory and of
 * the directories above it (`obj-$(CONFIG_DAMON) += damon/`). Top-level directories and `arch/<arch>/` are taken
 * as built (the top makefile and the architecture's are beyond this evaluation); headers are never decided.
 */
export class KbuildTree {
  private readonly evaluations = new Map<string, KbuildEvaluation | null>();

  constructor(
    private readonly config: Config,
    /** Text of a tree file (path relative to the tree, '/'), undefined when absent. */
    private readonly readText: (file: string) => string | undefined,
  ) {}

  fileState(file: string): BuildState {
    const match = /^(.*)\/([^/]+)\.[cS]$/.exec(file);
    if (!match) return { state: 'unknown' };
    const [, directory, base] = match;
    const own = this.objectState(directory, `${base}.o`);
    if (own.state !== 'built') return own;
    const parts = directory.split('/');
    const floor = parts[0] === 'arch' ? 2 : 1;
    for (let depth = parts.length - 1; depth >= floor; depth--) {
      const state = this.objectState(parts.slice(0, depth).join('/'), `${parts[depth]}/`);
      if (state.state === 'not-built') return state;
    }
    return { state: 'built' };
  }

  private objectState(directory: string, object: string): BuildState {
    const evaluation = this.evaluation(directory);
    const built = evaluation?.built(object);
    if (built === undefined || !evaluation) return { state: 'unknown' };
    if (built) return { state: 'built' };
    const mention = evaluation.mentionOf(object);
    const where = mention
      ? `${directory}/${this.makefileName(directory)}:${mention.line + 1} ${mention.variable}`
      : directory;
    return { state: 'not-built', why: `${where} += ${object}` };
  }

  private makefileName(directory: string): string {
    return this.readText(`${directory}/Kbuild`) !== undefined ? 'Kbuild' : 'Makefile';
  }

  private evaluation(directory: string): KbuildEvaluation | undefined {
    const cached = this.evaluations.get(directory);
    if (cached !== undefined) return cached ?? undefined;
    const text = this.readText(`${directory}/Kbuild`) ?? this.readText(`${directory}/Makefile`);
    const evaluation = text === undefined ? null : evaluateKbuild(text, this.config);
    if (this.evaluations.size >= MAX_DIRECTORIES) this.evaluations.clear();
    this.evaluations.set(directory, evaluation);
    return evaluation ?? undefined;
  }
}
