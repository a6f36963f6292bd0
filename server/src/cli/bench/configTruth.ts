/**
 * Configuration truth: which lines of a file a kernel configuration leaves out, computed independently of the
 * product (configuration/, parsing/conditional*.ts share nothing with it), to measure the editor's inactive
 * regions against. The bench's yardstick for issue 24 (docs/accuracy.md, "Inactive code").
 *
 *   1. Structure: translation phase 2 over the whole file first (the token truth's `removeLineSplices`), then
 *      comments blanked and string/character literals emptied by one regular expression on the logical text, then
 *      logical lines; a line whose first character past blanks is `#` is a directive. Lines map back to the
 *      original through the splice map, so a directive continued by splices covers all its lines.
 *   2. Values: GNU cpp itself. The configuration becomes `generated/autoconf.h` the way Kconfig writes it
 *      (`=y` -> `#define CONFIG_X 1`, `=m` -> `#define CONFIG_X_MODULE 1`, values as written), the tree's own
 *      `include/linux/kconfig.h` is force-included (IS_ENABLED and friends are the kernel's macros, not ours), and
 *      every `#if`/`#elif` condition of the file is evaluated in one cpp run.
 *   3. "CONFIG_ symbols only, anything else undecided": every other name of a condition is replaced by a poison
 *      that cpp reports as an error when (and only when) it evaluates it (`poisonCondition`); a condition with
 *      an error is undecided (live).
 *   4. Groups: inactive when the own condition is decided false or an earlier condition of the chain decided
 *      true, under live code; the directive lines that open and close an inactive group are not part of it,
 *      directives nested inside are. Other architectures' `arch/<name>/` files are inactive as a whole.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { lineStarts, removeLineSplices } from './tokenTruth';

export interface TruthDirective {
  kind: string;
  condition: string;
  firstLine: number;
  lastLine: number;
}

const STRIP = /\/\*[\s\S]*?(?:\*\/|$)|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g;

/** The preprocessing directives of a file with their original lines (0-based). */
export function truthDirectives(text: string): TruthDirective[] {
  const { logical, originalOffset } = removeLineSplices(text);
  // Comments become blanks of the same length (their line breaks too: a comment is one space to the
  // preprocessor, so a directive goes on after a comment that spans lines); literals keep their quotes only.
  const stripped = logical.replace(STRIP, (match) => {
    if (match.startsWith('/')) return ' '.repeat(match.length);
    return match[0] + ' '.repeat(Math.max(0, match.length - 2)) + (match.length > 1 ? match[match.length - 1] : '');
  });
  const starts = lineStarts(text);
  const lineOf = (originalIndex: number) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= originalIndex) low = mid;
      else high = mid - 1;
    }
    return low;
  };
  const out: TruthDirective[] = [];
  let at = 0;
  while (at <= stripped.length) {
    let end = stripped.indexOf('\n', at);
    if (end < 0) end = stripped.length;
    const line = stripped.slice(at, end).replace(/\r$/, '');
    const directive = /^[ \t\f\v]*#[ \t\f\v]*([A-Za-z_]\w*)(.*)$/s.exec(line);
    if (directive) {
      const first = lineOf(originalOffset[at]);
      const last = lineOf(originalOffset[Math.max(at, end - 1)] ?? text.length);
      out.push({
        kind: directive[1],
        condition: directive[2].trim(),
        firstLine: first,
        lastLine: Math.max(first, last),
      });
    }
    at = end + 1;
  }
  return out;
}

/** `include/generated/autoconf.h` as Kconfig writes it for a configuration file's text. */
export function autoconfHeader(configText: string): string {
  const lines: string[] = [];
  for (const raw of configText.split(/\r?\n/)) {
    const match = /^(CONFIG_\w+)=(.*)$/.exec(raw.trim());
    if (!match) continue;
    const [, name, value] = match;
    if (value === 'y') lines.push(`#define ${name} 1`);
    else if (value === 'm') lines.push(`#define ${name}_MODULE 1`);
    else if (value !== 'n' && value !== '') lines.push(`#define ${name} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Reads a configuration file through the system's own tools (xz, gzip), not through our reader. */
export function readConfigWithTools(file: string): string {
  const head = fs.readFileSync(file).subarray(0, 6);
  if (head[0] === 0xfd && head[1] === 0x37) return spawnOrThrow('xz', ['-dc', file]);
  if (head[0] === 0x1f && head[1] === 0x8b) return spawnOrThrow('gzip', ['-dc', file]);
  return fs.readFileSync(file, 'utf8');
}

function spawnOrThrow(command: string, args: string[]): string {
  const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error || run.status !== 0)
    throw new Error(`${command} ${args.join(' ')}: ${run.error?.message ?? run.stderr}`);
  return run.stdout;
}

const KNOWN = new Set(['defined', 'IS_ENABLED', 'IS_BUILTIN', 'IS_MODULE', 'IS_REACHABLE']);

/**
 * A condition with every non-CONFIG_ name replaced by a poison, `(1/0)`: cpp reports a division by zero only when
 * it evaluates the poison (GCC skips the operands `&&`, `||` and `?:` do not need), so a condition is decided
 * exactly when its value does not depend on anything but CONFIG_ symbols, in cpp's own evaluation order.
 * `IS_REACHABLE(CONFIG_X)` depends on MODULE for a module: its MODULE half is poisoned too.
 */
export function poisonCondition(condition: string): string {
  const POISON = '(1/0)';
  let out = '';
  let at = 0;
  const identifier = /[A-Za-z_]\w*/y;
  while (at < condition.length) {
    identifier.lastIndex = at;
    const match = identifier.exec(condition);
    // Numbers and their suffixes (10UL, 0x1f) are not names.
    if (!match || (at > 0 && /[0-9A-Za-z_.]/.test(condition[at - 1]))) {
      out += condition[at++];
      continue;
    }
    const name = match[0];
    let next = at + name.length;
    if (name === 'defined') {
      const operand = /\s*(\(\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))/y;
      operand.lastIndex = next;
      const found = operand.exec(condition);
      const target = found?.[2] ?? found?.[3];
      if (found && target) {
        out += target.startsWith('CONFIG_') ? `defined(${target})` : POISON;
        at = next + found[0].length;
        continue;
      }
    }
    if (name === 'IS_REACHABLE') {
      const call = /\s*\(\s*(CONFIG_\w+)\s*\)/y;
      call.lastIndex = next;
      const found = call.exec(condition);
      if (found) {
        out += `(IS_BUILTIN(${found[1]}) || (IS_MODULE(${found[1]}) && ${POISON}))`;
        at = next + found[0].length;
        continue;
      }
    }
    if (name.startsWith('CONFIG_') || KNOWN.has(name)) {
      out += name;
      at = next;
      continue;
    }
    // Another macro, called or not: poisoned, with its arguments.
    const open = /\s*\(/y;
    open.lastIndex = next;
    if (open.exec(condition)) {
      let depth = 0;
      let k = open.lastIndex - 1;
      for (; k < condition.length; k++) {
        if (condition[k] === '(') depth++;
        else if (condition[k] === ')' && --depth === 0) break;
      }
      next = k + 1;
    }
    out += POISON;
    at = next;
  }
  return out;
}

/** Three-valued decisions of conditions by cpp: true, false, or undefined (undecided). */
export class CppConditionEvaluator {
  private readonly dir: string;

  constructor(
    configText: string,
    private readonly kconfigHeader: string,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmml-config-truth-'));
    fs.mkdirSync(path.join(this.dir, 'generated'));
    fs.writeFileSync(path.join(this.dir, 'generated', 'autoconf.h'), autoconfHeader(configText));
  }

  static available(): boolean {
    return !spawnSync('cpp', ['--version'], { stdio: 'ignore' }).error;
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** `conditions[k]` is an `#if` expression (ifdef NAME is passed as `defined(NAME)`). */
  decide(conditions: string[]): Array<boolean | undefined> {
    // cpp evaluates left to right: `defined(FOO) && !defined(CONFIG_64BIT)` is false whatever FOO is, but the
    // poison is met first. So each top-level operand of a `||` or `&&` chain is asked too: one operand decided true
    // decides a `||` chain, one decided false an `&&` chain.
    const queries: Array<{ owner: number; role: 'whole' | 'or' | 'and'; text: string }> = [];
    conditions.forEach((condition, k) => {
      queries.push({ owner: k, role: 'whole', text: condition });
      const ors = splitTopLevel(condition, '||');
      if (ors.length > 1) for (const part of ors) queries.push({ owner: k, role: 'or', text: part });
      else {
        const ands = splitTopLevel(condition, '&&');
        if (ands.length > 1) for (const part of ands) queries.push({ owner: k, role: 'and', text: part });
      }
    });
    const lines: string[] = [];
    queries.forEach((query, q) => {
      // Each block on lines 5q+1..5q+5: an error on line 5q+1 belongs to query q.
      lines.push(`#if ${poisonCondition(query.text)}`, `@@ ${q} T`, '#else', `@@ ${q} F`, '#endif');
    });
    const input = path.join(this.dir, 'conditions.c');
    fs.writeFileSync(input, `${lines.join('\n')}\n`);
    const run = spawnSync(
      'cpp',
      ['-undef', '-nostdinc', '-P', '-w', '-I', this.dir, '-include', this.kconfigHeader, input],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    if (run.error) throw run.error;
    // cpp reports an unusable condition (a poison evaluated, a string in #if, a malformed one) on its line.
    const errored = new Set<number>();
    for (const match of (run.stderr ?? '').matchAll(/conditions\.c:(\d+):\d+: error/g))
      errored.add(Math.floor((Number(match[1]) - 1) / 5));
    const outcome = new Map<number, boolean>();
    for (const match of run.stdout.matchAll(/^@@ (\d+) ([TF])$/gm)) outcome.set(Number(match[1]), match[2] === 'T');
    const results: Array<boolean | undefined> = conditions.map(() => undefined);
    queries.forEach((query, q) => {
      const value = errored.has(q) ? undefined : outcome.get(q);
      if (value === undefined) return;
      if (query.role === 'whole') results[query.owner] = value;
      else if (query.role === 'or' && value) results[query.owner] = true;
      else if (query.role === 'and' && !value) results[query.owner] = false;
    });
    return results;
  }
}

/** The operands of a top-level chain of `operator` (outside parentheses), or the whole condition. */
function splitTopLevel(condition: string, operator: '||' | '&&'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let k = 0; k < condition.length; k++) {
    const c = condition[k];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && condition.startsWith(operator, k)) {
      parts.push(condition.slice(from, k));
      from = k + 2;
      k++;
    } else if (depth === 0 && c === '?') return [condition]; // a ?: at the top: not a plain chain
  }
  parts.push(condition.slice(from));
  return parts.map((part) => part.trim());
}

/** The inactive lines (0-based) of a file under the truth's decisions. */
export function truthInactiveLines(
  file: string,
  text: string,
  arch: string | undefined,
  evaluator: CppConditionEvaluator,
): Set<number> {
  const inactive = new Set<number>();
  const lineCount = lineStarts(text).length - (text.endsWith('\n') ? 1 : 0);
  const fileArch = /^arch\/([^/]+)\//.exec(file)?.[1];
  if (arch && fileArch && fileArch !== arch) {
    for (let line = 0; line < lineCount; line++) inactive.add(line);
    return inactive;
  }
  const directives = truthDirectives(text).filter((d) =>
    ['if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif'].includes(d.kind),
  );
  const conditions = directives.map((d) => {
    if (d.kind === 'ifdef' || d.kind === 'elifdef') return `defined(${d.condition})`;
    if (d.kind === 'ifndef' || d.kind === 'elifndef') return `!defined(${d.condition})`;
    return d.condition;
  });
  const wanted = directives.map((d, k) => (['else', 'endif'].includes(d.kind) ? '' : conditions[k]));
  const asked = wanted.filter((c) => c !== '');
  const answers = asked.length > 0 ? evaluator.decide(asked) : [];
  const decisions: Array<boolean | undefined> = [];
  let next = 0;
  for (const condition of wanted) decisions.push(condition === '' ? undefined : answers[next++]);

  interface Group {
    live: boolean;
    anyTrue: boolean;
    anyMaybe: boolean;
    dead: boolean;
    start: number;
  }
  const stack: Group[] = [];
  const currentLive = () => stack.every((g) => g.live && !g.dead);
  const markUntil = (group: Group, endLine: number) => {
    if (group.live && group.dead) for (let line = group.start; line <= endLine; line++) inactive.add(line);
  };
  directives.forEach((directive, k) => {
    const decision = decisions[k];
    if (directive.kind.startsWith('if')) {
      const group: Group = { live: currentLive(), anyTrue: false, anyMaybe: false, dead: false, start: 0 };
      group.dead = decision === false;
      group.anyTrue = decision === true;
      group.anyMaybe = decision === undefined;
      group.start = directive.lastLine + 1;
      stack.push(group);
      return;
    }
    const group = stack[stack.length - 1];
    if (!group) return;
    markUntil(group, directive.firstLine - 1);
    if (directive.kind === 'endif') {
      stack.pop();
      return;
    }
    if (directive.kind === 'else') group.dead = group.anyTrue;
    else {
      group.dead = group.anyTrue || decision === false;
      group.anyTrue ||= decision === true;
      group.anyMaybe ||= decision === undefined;
    }
    group.start = directive.lastLine + 1;
  });
  while (stack.length > 0) markUntil(stack.pop()!, lineCount - 1);
  return inactive;
}
