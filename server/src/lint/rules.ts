import * as path from 'path';
import { dataPath, parseDataYaml, readDataFolder, shippedData } from '../base/dataFiles';
import { validateLintRuleFile } from './ruleSchema';
import type { LintRule, LintSymbolSpec, SymbolEntry } from './ruleTypes';

/**
 * All lint rules, indexed for the matcher. Built once per process from the YAML data (adding a rule or a symbol is
 * a data change). Invalid files are skipped and reported in `problems`, never thrown.
 */
export interface LintRuleSet {
  rules: LintRule[];
  /** C identifiers to look for: plain names and `CONFIG_<kconfig name>`. */
  identifiers: Map<string, SymbolEntry>;
  /** Kconfig symbol names (without CONFIG_). */
  kconfigSymbols: Map<string, SymbolEntry>;
  /** Header paths for #include (`linux/pfn_t.h`). */
  headers: Map<string, SymbolEntry>;
  /** Words whose presence in a file's raw text means it may have findings (for the cheap prefilter). */
  prefilterWords: string[];
  problems: string[];
}

export function loadLintRules(dir = dataPath('lint-rules')): LintRuleSet {
  const problems: string[] = [];
  const rules: LintRule[] = [];
  const folder = readDataFolder(dir, 'lint rules');
  if (folder.problem) problems.push(folder.problem);
  for (const file of folder.files) {
    if ('problem' in file) {
      problems.push(`${file.name}: ${file.problem}`);
      continue;
    }
    const result = lintRulesOf(file.document, file.name);
    problems.push(...result.problems.map((problem) => `${file.name}: ${problem}`));
    rules.push(...result.rules);
  }
  return indexRules(rules, problems);
}

/** Parses and validates one rule file's text. */
export function parseLintRuleText(text: string, fileName = '(text)'): { rules: LintRule[]; problems: string[] } {
  let data: unknown;
  try {
    data = parseDataYaml(text);
  } catch (error) {
    return { rules: [], problems: [`invalid YAML: ${(error as Error).message.split('\n')[0]}`] };
  }
  return lintRulesOf(data, fileName);
}

/** Validates one rule file's document and gives its rules. */
function lintRulesOf(data: unknown, fileName: string): { rules: LintRule[]; problems: string[] } {
  const problems = validateLintRuleFile(data);
  if (problems.length) return { rules: [], problems };
  const raw = (data as { rules: Array<Omit<LintRule, 'symbols'> & { symbols: Array<string | LintSymbolSpec> }> }).rules;
  return {
    rules: raw.map((rule) => ({
      ...rule,
      symbols: rule.symbols.map((symbol) => (typeof symbol === 'string' ? { name: symbol } : symbol)),
      file: fileName,
    })),
    problems: [],
  };
}

/** Builds the lookup tables; duplicate ids or symbols are reported and the later one ignored. */
function indexRules(rules: LintRule[], problems: string[] = []): LintRuleSet {
  const identifiers = new Map<string, SymbolEntry>();
  const kconfigSymbols = new Map<string, SymbolEntry>();
  const headers = new Map<string, SymbolEntry>();
  const ids = new Set<string>();
  const kept: LintRule[] = [];
  for (const rule of rules) {
    if (ids.has(rule.id)) {
      problems.push(`${rule.file}: rule id '${rule.id}' is defined twice`);
      continue;
    }
    ids.add(rule.id);
    kept.push(rule);
    for (const symbol of rule.symbols) {
      const match =
        symbol.match ?? (rule.kind === 'kconfig' ? 'kconfig' : rule.kind === 'header' ? 'include' : 'identifier');
      const entry: SymbolEntry = {
        name: symbol.name,
        match,
        fix: symbol.fix,
        args: symbol.args,
        display: symbol.display,
        rule,
      };
      const add = (table: Map<string, SymbolEntry>, key: string) => {
        const previous = table.get(key);
        if (previous)
          problems.push(
            `${rule.file}: symbol '${key}' of rule '${rule.id}' is already covered by rule '${previous.rule.id}'`,
          );
        else table.set(key, entry);
      };
      if (match === 'include') {
        add(headers, symbol.name);
      } else if (match === 'kconfig') {
        add(kconfigSymbols, symbol.name);
        add(identifiers, `CONFIG_${symbol.name}`);
      } else {
        if (!/^[A-Za-z_]\w*$/.test(symbol.name)) {
          problems.push(`${rule.file}: '${symbol.name}' is not a C identifier`);
          continue;
        }
        add(identifiers, symbol.name);
      }
    }
  }
  return {
    rules: kept,
    identifiers,
    kconfigSymbols,
    headers,
    prefilterWords: prefilterWords(identifiers, kconfigSymbols, headers),
    problems,
  };
}

/**
 * A few literal words such that every rule name contains one of them (greedy set cover: the substring shared by
 * most names first, the longest such substring on ties, since longer words are rarer in source text). A file
 * containing none of them cannot have a finding, so most of a kernel tree is rejected by one regex test over its
 * raw bytes before any tokenizing. Derived from the data, so a new rule needs no code change here.
 */
function prefilterWords(...tables: Array<Map<string, SymbolEntry>>): string[] {
  const names = new Set<string>();
  for (const table of tables) {
    for (const [key, entry] of table)
      names.add(entry.match === 'include' ? path.posix.basename(key).replace(/\.h$/, '') : key);
  }
  const uncovered = new Set(names);
  const words: string[] = [];
  const MIN_WORD = 5;
  while (uncovered.size > 0) {
    const counts = new Map<string, number>();
    for (const name of uncovered) {
      const seen = new Set<string>();
      const shortest = Math.min(MIN_WORD, name.length);
      for (let length = shortest; length <= name.length; length++) {
        for (let i = 0; i + length <= name.length; i++) seen.add(name.slice(i, i + length));
      }
      for (const word of seen) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    let best = '';
    let bestCount = 0;
    for (const [word, count] of counts) {
      if (count > bestCount || (count === bestCount && word.length > best.length)) {
        best = word;
        bestCount = count;
      }
    }
    words.push(best);
    for (const name of [...uncovered]) if (name.includes(best)) uncovered.delete(name);
  }
  return words;
}

/**
 * Exact second stage: any rule name as a whole word (`\bpfn_t\b` also matches `<linux/pfn_t.h>`). Run on the few
 * files the prefilter lets through, so files that only mention `pfn_to_page` are never tokenized.
 */
export function wholeWordRegExp(rules: LintRuleSet): RegExp {
  const names = new Set<string>([...rules.identifiers.keys(), ...rules.kconfigSymbols.keys()]);
  for (const header of rules.headers.keys()) names.add(path.posix.basename(header).replace(/\.h$/, ''));
  return new RegExp(`\\b(?:${[...names].map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`);
}

/** One regex matching any prefilter word (tested against the file's bytes read as latin1). */
export function prefilterRegExp(rules: LintRuleSet): RegExp {
  return new RegExp(rules.prefilterWords.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
}

const shippedRules = shippedData(() => loadLintRules());

/** The shipped rules, loaded once per process. */
export function defaultLintRules(): LintRuleSet {
  return shippedRules.get();
}

/** https://lore.kernel.org/all/<Message-ID>/ for a rule's removal thread, if it has one. */
export function removalLink(rule: LintRule): string | undefined {
  return rule.removal
    ? `https://lore.kernel.org/all/${encodeURIComponent(rule.removal.messageId).replace(/%40/g, '@')}/`
    : undefined;
}
