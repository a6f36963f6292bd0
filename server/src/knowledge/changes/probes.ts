import type { DefinitionKind } from '../../indexing/types';
import { patternsOf } from './changeCatalog';
import type { Evidence, ProbeKind, ProbeResult, ProbeSpec } from './changeTypes';
import {
  codeTokens,
  compileTokenPattern,
  findCall,
  findTokenPattern,
  type CodeToken,
  type TokenPattern,
} from './tokenPattern';
import type { ChangeTreeSource, SourceDefinition } from './treeSource';

/**
 * Evaluates one probe of a tracked change against a tree. Every result carries a sentence and, where the
 * tree has a line that shows it, the file, line and text of that line. A probe that cannot look (a function
 * the tree does not define, no index and no readable file) says `unknown` instead of guessing.
 */

const KINDS: Record<ProbeKind, ReadonlySet<DefinitionKind> | undefined> = {
  // A C function: a function-like macro of the same name is a different thing (a stable tree's shim).
  function: new Set(['function', 'prototype']),
  macro: new Set(['macro', 'function-macro']),
  type: new Set(['struct', 'union', 'enum', 'typedef']),
  enumerator: new Set(['enumerator']),
  field: new Set(['field']),
  any: undefined,
};

const compiledPatterns = new Map<string, TokenPattern>();

/** Patterns are data: compiled once per process (the loader has already checked that they compile). */
function compiled(source: string): TokenPattern {
  let pattern = compiledPatterns.get(source);
  if (!pattern) compiledPatterns.set(source, (pattern = compileTokenPattern(source)));
  return pattern;
}

/** What has a parameter list: functions, their prototypes and function-like macros. */
const CALLABLE: ReadonlySet<DefinitionKind> = new Set(['function', 'prototype', 'function-macro']);

/** Longest evidence text kept (the line is the tree's text: untrusted, shown escaped by every surface). */
const MAX_EVIDENCE_TEXT = 160;

export function evaluateProbe(probe: ProbeSpec, source: ChangeTreeSource): ProbeResult {
  if (probe.onlyIf) {
    const guard = evaluateProbe(probe.onlyIf, source);
    if (guard.outcome !== 'holds')
      return {
        label: probe.label ?? guard.label,
        outcome: 'unknown',
        detail: `not judged here: ${guard.label} does not hold (${guard.detail})`,
      };
    return evaluateProbe({ ...probe, onlyIf: undefined }, source);
  }
  if (probe.anyOf) return evaluateAnyOf(probe, source);
  if (probe.defines !== undefined || probe.lacks !== undefined) return evaluateDefinition(probe, source);
  if (probe.function !== undefined) return evaluateFunction(probe, source);
  if (probe.file !== undefined) return evaluateFile(probe, source);
  return { label: probe.label ?? 'empty probe', outcome: 'unknown', detail: 'the probe names nothing to look for' };
}

function evaluateAnyOf(probe: ProbeSpec, source: ChangeTreeSource): ProbeResult {
  const results = probe.anyOf!.map((alternative) => evaluateProbe(alternative, source));
  const label = probe.label ?? results.map((r) => r.label).join(' or ');
  const holding = results.find((r) => r.outcome === 'holds');
  if (holding) return { label, outcome: 'holds', detail: holding.detail, evidence: holding.evidence };
  // An alternative that cannot look (its function is not in this tree) does not count against the others.
  const failing = results.find((r) => r.outcome === 'fails');
  if (failing)
    return {
      label,
      outcome: 'fails',
      detail: results
        .filter((r) => r.outcome === 'fails')
        .map((r) => r.detail)
        .join('; '),
      evidence: failing.evidence,
    };
  return { label, outcome: 'unknown', detail: results.map((r) => r.detail).join('; ') };
}

function ofKind(definitions: SourceDefinition[], kind: ProbeKind | undefined): SourceDefinition[] {
  const allowed = KINDS[kind ?? 'any'];
  return allowed ? definitions.filter((d) => allowed.has(d.kind)) : definitions;
}

/** Real definitions first, then declarations, keeping the source's own order within each. */
function preferDefinitions(definitions: SourceDefinition[]): SourceDefinition[] {
  return [...definitions.filter((d) => !d.isDeclaration), ...definitions.filter((d) => d.isDeclaration)];
}

function where(source: ChangeTreeSource, files: readonly string[] | undefined): string {
  return source.complete ? 'in the tree (whole-tree index)' : `in ${files?.join(', ') ?? 'the named files'}`;
}

function evaluateDefinition(probe: ProbeSpec, source: ChangeTreeSource): ProbeResult {
  // `lacks: [new_name, old_name]`: the removed thing under any of its names; the first one defined decides.
  if (Array.isArray(probe.lacks)) {
    const results = probe.lacks.map((name) => evaluateDefinition({ ...probe, lacks: name }, source));
    const label = probe.label ?? `no longer defines ${probe.lacks.join(' or ')}`;
    const defined = results.find((r) => r.outcome === 'fails');
    if (defined) return { ...defined, label };
    if (results.some((r) => r.outcome === 'unknown'))
      return { label, outcome: 'unknown', detail: results.map((r) => r.detail).join('; ') };
    return { ...results[0], label, detail: `none of ${probe.lacks.join(', ')} is defined ${where(source, probe.in)}` };
  }
  const name = (probe.defines ?? probe.lacks)!;
  const wanted = probe.defines !== undefined;
  const label = probe.label ?? (wanted ? `defines ${name}` : `no longer defines ${name}`);
  const all = source.definitions(name, probe.in);
  if (!all)
    return {
      label,
      outcome: 'unknown',
      detail: `cannot tell whether ${name} is defined: no index, and none of ${probe.in?.join(', ') ?? '(no files named)'} is readable`,
    };
  const found = preferDefinitions(ofKind(all, probe.kind));
  if (found.length) {
    const evidence = lineEvidence(source, found[0].file, found[0].nameLine);
    return { label, outcome: wanted ? 'holds' : 'fails', detail: `${name} is defined at ${at(evidence)}`, evidence };
  }
  // An absence proves a removal only where the symbol used to live: a tree without any of those files (a cut-down
  // or partial checkout, another subsystem's tree) never had it, so "no longer defines" cannot be told.
  if (!wanted && probe.in?.length && !probe.in.some((file) => source.exists(file)))
    return {
      label,
      outcome: 'unknown',
      detail: `cannot tell whether ${name} was removed: none of ${probe.in.join(', ')}, where it was defined, is in this tree`,
    };
  const evidence = absenceEvidence(source, probe.in);
  return {
    label,
    outcome: wanted ? 'fails' : 'holds',
    detail: `${name} is not defined ${where(source, probe.in)}`,
    evidence,
  };
}

function evaluateFunction(probe: ProbeSpec, source: ChangeTreeSource): ProbeResult {
  const name = probe.function!;
  if (probe.params !== undefined) return evaluateParams(probe, source);
  const expectPresent = probe.expect !== 'absent';
  const what =
    probe.calls !== undefined ? `calls ${probe.calls}()` : `contains \`${patternsOf(probe).join('` or `')}\``;
  const label = probe.label ?? `${name} ${expectPresent ? '' : 'no longer '}${what}`;
  const all = source.definitions(name, probe.in);
  if (!all)
    return {
      label,
      outcome: 'unknown',
      detail: `cannot read ${name}: no index, and none of ${probe.in?.join(', ') ?? '(no files named)'} is readable`,
    };
  const bodies = all.filter((d) => !d.isDeclaration && (d.kind === 'function' || d.kind === 'function-macro'));
  if (bodies.length === 0) {
    if (all.length === 0 && probe.missing === 'fails') {
      return {
        label,
        outcome: 'fails',
        detail: `${name} is not defined ${where(source, probe.in)}, and the change needs it`,
        evidence: absenceEvidence(source, probe.in),
      };
    }
    const why = all.length === 0 ? 'is not defined' : 'has no body';
    return {
      label,
      outcome: 'unknown',
      detail: `${name} ${why} ${where(source, probe.in)}, so this probe cannot look inside it`,
    };
  }
  const patterns = patternsOf(probe).map(compiled);
  for (const body of bodies) {
    const tokens = bodyTokens(source, body);
    if (!tokens) continue;
    let hit = -1;
    if (probe.calls !== undefined) hit = findCall(tokens, probe.calls);
    else for (const pattern of patterns) if ((hit = findTokenPattern(tokens, pattern)) >= 0) break;
    if (hit >= 0) {
      const evidence = lineEvidence(source, body.file, tokens[hit].line);
      const detail = `${name} (${body.file}) ${expectPresent ? '' : 'still '}${what} at line ${tokens[hit].line + 1}`;
      return { label, outcome: expectPresent ? 'holds' : 'fails', detail, evidence };
    }
  }
  const first = bodies[0];
  const evidence = lineEvidence(source, first.file, first.nameLine);
  const negated = what.replace(/^calls/, 'does not call').replace(/^contains/, 'does not contain');
  return {
    label,
    outcome: expectPresent ? 'fails' : 'holds',
    detail: `${name} (${at(evidence)}) ${negated}`,
    evidence,
  };
}

function evaluateParams(probe: ProbeSpec, source: ChangeTreeSource): ProbeResult {
  const name = probe.function!;
  const expected = probe.params!;
  const label = probe.label ?? `${name}() takes ${expected} parameter${expected === 1 ? '' : 's'}`;
  const all = source.definitions(name, probe.in);
  if (!all)
    return {
      label,
      outcome: 'unknown',
      detail: `cannot read ${name}: no index, and none of ${probe.in?.join(', ') ?? '(no files named)'} is readable`,
    };
  const candidates = preferDefinitions(all.filter((d) => CALLABLE.has(d.kind)));
  if (candidates.length === 0) {
    const outcome = probe.missing === 'fails' ? 'fails' : 'unknown';
    return {
      label,
      outcome,
      detail: `${name} is not declared ${where(source, probe.in)}`,
      evidence: outcome === 'fails' ? absenceEvidence(source, probe.in) : undefined,
    };
  }
  const counts: string[] = [];
  for (const candidate of candidates) {
    const count = parameterCount(source, candidate);
    if (count === undefined) continue;
    if (count === expected) {
      const evidence = lineEvidence(source, candidate.file, candidate.nameLine);
      return {
        label,
        outcome: 'holds',
        detail: `${name} takes ${count} parameter${count === 1 ? '' : 's'} at ${at(evidence)}`,
        evidence,
      };
    }
    counts.push(`${count} at ${candidate.file}:${candidate.nameLine + 1}`);
  }
  if (counts.length === 0) return { label, outcome: 'unknown', detail: `cannot read the parameter list of ${name}` };
  const first = candidates[0];
  return {
    label,
    outcome: 'fails',
    detail: `${name} takes ${counts.join(', ')}, not ${expected}`,
    evidence: lineEvidence(source, first.file, first.nameLine),
  };
}

function evaluateFile(probe: ProbeSpec, source: ChangeTreeSource): ProbeResult {
  const file = probe.file!;
  const patterns = patternsOf(probe);
  const expectPresent = probe.expect !== 'absent';
  if (patterns.length === 0) {
    const label = probe.label ?? `file ${file} ${expectPresent ? 'exists' : 'is gone'}`;
    const exists = source.exists(file);
    // A file missing from a folder the tree does not even have says nothing about the change.
    if (!exists && !source.directoryExists(parentOf(file))) {
      return { label, outcome: 'unknown', detail: `${parentOf(file)}/ does not exist in the tree either` };
    }
    return {
      label,
      outcome: exists === expectPresent ? 'holds' : 'fails',
      detail: exists ? `${file} exists` : `${file} does not exist in the tree`,
      evidence: exists ? { file } : undefined,
    };
  }
  const label =
    probe.label ?? `${file} ${expectPresent ? 'contains' : 'no longer contains'} \`${patterns.join('` or `')}\``;
  const text = source.readText(file);
  if (text === undefined) {
    return source.exists(file)
      ? { label, outcome: 'unknown', detail: `${file} could not be read (too big, binary or unreadable)` }
      : { label, outcome: expectPresent ? 'fails' : 'unknown', detail: `${file} does not exist in the tree` };
  }
  const tokens = codeTokens(text, { includePreprocessor: true });
  for (const pattern of patterns.map(compiled)) {
    const hit = findTokenPattern(tokens, pattern);
    if (hit >= 0) {
      const evidence = lineEvidence(source, file, tokens[hit].line);
      return {
        label,
        outcome: expectPresent ? 'holds' : 'fails',
        detail: `${file}:${tokens[hit].line + 1} contains \`${pattern.source}\``,
        evidence,
      };
    }
  }
  return {
    label,
    outcome: expectPresent ? 'fails' : 'holds',
    detail: `${file} does not contain \`${patterns.join('` or `')}\``,
    evidence: { file },
  };
}

/**
 * The code tokens of a function's body (after the parameter list: from `{` for a function, the replacement
 * list for a function-like macro), with tree lines. undefined when the file cannot be read.
 */
function bodyTokens(source: ChangeTreeSource, definition: SourceDefinition): CodeToken[] | undefined {
  const slice = definitionText(source, definition);
  if (slice === undefined) return undefined;
  const isMacro = definition.kind === 'function-macro';
  const tokens = codeTokens(slice, { lineOffset: definition.startLine, includePreprocessor: isMacro });
  const close = parameterListEnd(tokens, definition);
  if (close < 0) return isMacro ? [] : tokens;
  if (isMacro) return tokens.slice(close + 1);
  const open = tokens.findIndex((token, i) => i > close && token.text === '{');
  return open < 0 ? [] : tokens.slice(open + 1);
}

function definitionText(source: ChangeTreeSource, definition: SourceDefinition): string | undefined {
  const text = source.readText(definition.file);
  if (text === undefined) return undefined;
  return text
    .split('\n')
    .slice(definition.startLine, definition.endLine + 1)
    .join('\n');
}

/** Index of the `)` closing the parameter list that follows the definition's name, or -1. */
function parameterListEnd(tokens: CodeToken[], definition: SourceDefinition): number {
  const nameAt = tokens.findIndex(
    (token, i) => token.text === definition.name && token.line >= definition.nameLine && tokens[i + 1]?.text === '(',
  );
  if (nameAt < 0) return -1;
  let depth = 0;
  for (let i = nameAt + 1; i < tokens.length; i++) {
    if (tokens[i].text === '(') depth++;
    else if (tokens[i].text === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Parameters in the declaration: top-level commas + 1; `(void)` and `()` count 0. */
function parameterCount(source: ChangeTreeSource, definition: SourceDefinition): number | undefined {
  const slice = definitionText(source, definition);
  if (slice === undefined) return undefined;
  const tokens = codeTokens(slice, {
    lineOffset: definition.startLine,
    includePreprocessor: definition.kind === 'function-macro',
  });
  const close = parameterListEnd(tokens, definition);
  if (close < 0) return undefined;
  const open =
    tokens.findIndex(
      (token, i) => token.text === definition.name && tokens[i + 1]?.text === '(' && token.line >= definition.nameLine,
    ) + 1;
  const inner = tokens.slice(open + 1, close);
  if (inner.length === 0 || (inner.length === 1 && inner[0].text === 'void')) return 0;
  let depth = 0;
  let commas = 0;
  for (const token of inner) {
    if (token.text === '(' || token.text === '[' || token.text === '{') depth++;
    else if (token.text === ')' || token.text === ']' || token.text === '}') depth--;
    else if (token.text === ',' && depth === 0) commas++;
  }
  return commas + 1;
}

function lineEvidence(source: ChangeTreeSource, file: string, line: number): Evidence {
  const text = source.readText(file)?.split('\n')[line];
  return { file, line: line + 1, text: text === undefined ? undefined : shorten(text) };
}

function absenceEvidence(source: ChangeTreeSource, files: readonly string[] | undefined): Evidence | undefined {
  const existing = files?.find((file) => source.exists(file));
  return existing ? { file: existing } : undefined;
}

function parentOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
}

function shorten(line: string): string {
  const collapsed = line.replace(/\s+/g, ' ').trim();
  return collapsed.length <= MAX_EVIDENCE_TEXT ? collapsed : `${collapsed.slice(0, MAX_EVIDENCE_TEXT - 1)}…`;
}

function at(evidence: Evidence): string {
  return evidence.line ? `${evidence.file}:${evidence.line}` : evidence.file;
}
