/**
 * Definitions and references in Kconfig files and Makefiles, in the same shape as the C extractor.
 * Kconfig: `config FOO` / `menuconfig FOO` define FOO; symbols on `select`, `imply`, `depends on`,
 * `default`, `if`, `visible if` and `range` lines are references; help text and `#` comments are not code.
 * Makefiles: `CONFIG_FOO` occurrences outside comments are references.
 */
import type { LexicalDefinition, LexicalExtraction } from './lexicalExtractor';
import type { Reference } from './types';

const KCONFIG_KEYWORDS = new Set([
  'y',
  'n',
  'm',
  'if',
  'on',
  'depends',
  'select',
  'imply',
  'default',
  'bool',
  'tristate',
  'string',
  'hex',
  'int',
  'def_bool',
  'def_tristate',
  'visible',
  'range',
  'prompt',
  'config',
  'menuconfig',
  'choice',
  'endchoice',
  'menu',
  'endmenu',
  'endif',
  'source',
  'comment',
  'help',
  'option',
  'modules',
  'transitional',
]);

const REFERENCE_LINE =
  /^\s*(select|imply|depends\s+on|default|def_bool|def_tristate|if|visible\s+if|range|bool|tristate|prompt)\b(.*)$/;

export interface BuildFileOptions {
  file: string;
  references?: 'all' | ReadonlySet<string>;
}

export function extractKconfig(text: string, options: BuildFileOptions): LexicalExtraction {
  const definitions: LexicalDefinition[] = [];
  const identifiers = new Set<string>();
  const references: Reference[] | undefined = options.references ? [] : undefined;
  let referenceCount = 0;
  const lines = text.split('\n');
  let offset = 0;
  let inHelp = false;
  let helpIndent = -1;
  let current: LexicalDefinition | undefined;
  lines.forEach((rawLine, line) => {
    const lineOffset = offset;
    offset += rawLine.length + 1;
    const content = rawLine.replace(/\r$/, '');
    const indent = /^[ \t]*/.exec(content)![0].replace(/\t/g, '        ').length;
    if (inHelp) {
      // Help text runs while lines are blank or indented deeper than the `help` keyword.
      if (content.trim() === '' || indent > helpIndent) return;
      inHelp = false;
    }
    const code = stripKconfigComment(content);
    const help = /^(\s*)(---help---|help)\s*$/.exec(code);
    if (help) {
      inHelp = true;
      helpIndent = help[1].replace(/\t/g, '        ').length;
      return;
    }
    const config = /^(\s*)(config|menuconfig)\s+([A-Za-z0-9_]+)/.exec(code);
    if (config) {
      const nameCol = code.indexOf(config[3], config[1].length + config[2].length);
      if (current) current.endLine = Math.max(current.endLine, line - 1);
      current = {
        name: config[3],
        kind: 'kconfig',
        nameLine: line,
        nameCol,
        nameEndCol: nameCol + config[3].length,
        startLine: line,
        startCol: config[1].length,
        endLine: line,
        endCol: content.length,
        sigStart: lineOffset + config[1].length,
        sigEnd: lineOffset + content.length,
        docStart: -1,
        docEnd: -1,
        isDeclaration: false,
        isStatic: false,
      };
      definitions.push(current);
      noteReference(config[3], line, nameCol, true);
      return;
    }
    const referenceLine = REFERENCE_LINE.exec(code);
    if (!referenceLine) return;
    // Quoted prompts are strings, not symbols.
    const tail = referenceLine[2].replace(/"(?:[^"\\]|\\.)*"/g, (quoted) => ' '.repeat(quoted.length));
    const tailStart = code.length - referenceLine[2].length;
    for (const match of tail.matchAll(/[A-Za-z0-9_]+/g)) {
      const word = match[0];
      if (KCONFIG_KEYWORDS.has(word) || /^\d/.test(word) || /^0x/i.test(word)) continue;
      noteReference(word, line, tailStart + match.index, false);
    }
  });

  function noteReference(name: string, line: number, character: number, isDefinition: boolean) {
    identifiers.add(name);
    referenceCount++;
    const wanted = options.references;
    if (!references || !wanted || (wanted !== 'all' && !wanted.has(name))) return;
    references.push({
      file: options.file,
      range: { start: { line, character }, end: { line, character: character + name.length } },
      isCall: false,
      isDefinition,
      inPreprocessor: false,
    });
  }
  return { definitions, identifiers: [...identifiers], referenceCount, references };
}

function stripKconfigComment(line: string): string {
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"' && line[i - 1] !== '\\') inQuote = !inQuote;
    else if (c === '#' && !inQuote) return line.slice(0, i);
  }
  return line;
}

export function extractMakefile(text: string, options: BuildFileOptions): LexicalExtraction {
  const identifiers = new Set<string>();
  const references: Reference[] | undefined = options.references ? [] : undefined;
  let referenceCount = 0;
  text.split('\n').forEach((rawLine, line) => {
    const hash = rawLine.indexOf('#');
    const code = hash >= 0 ? rawLine.slice(0, hash) : rawLine;
    for (const match of code.matchAll(/\bCONFIG_[A-Za-z0-9_]+/g)) {
      identifiers.add(match[0]);
      referenceCount++;
      const wanted = options.references;
      if (references && wanted && (wanted === 'all' || wanted.has(match[0]))) {
        references.push({
          file: options.file,
          range: { start: { line, character: match.index }, end: { line, character: match.index + match[0].length } },
          isCall: false,
          isDefinition: false,
          inPreprocessor: false,
        });
      }
    }
  });
  return { definitions: [], identifiers: [...identifiers], referenceCount, references };
}
