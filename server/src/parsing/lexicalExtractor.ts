/**
 * Definitions and references of one C file from the fast token stream (no syntax tree).
 *
 * This is the whole-tree pass: it must be quick and must survive anything the kernel's macros do, so it
 * is a flat state machine over tokens with a scope stack, in the spirit of ctags. It keeps going through
 * unbalanced braces, `#ifdef` around half a function (the first branch wins, like a compiler with the
 * option on), macro invocations without semicolons, and attribute macros around declarators.
 */
import {
  tokenize,
  TokenKind,
  FLAG_DEAD,
  FLAG_PREPROCESSOR,
  C_KEYWORDS,
  LAST_CODE_TOKEN_KIND,
  MAX_IDENTIFIER_LENGTH,
  type TokenStream,
} from './lexer';
import type { DefinitionKind, Reference } from './types';
import type { ExtractOptions, InstallSite, LexicalDefinition, LexicalExtraction } from './lexicalTypes';
import { scanInstallSites } from './installSites';
import { DeclarationView, BODY_MARKER, INITIALIZER_MARKER } from './declarationView';
import {
  WORD_ALL_CAPS,
  WORD_EXTERN,
  WORD_GENERATOR,
  WORD_MACRO_NAME,
  WORD_STATIC,
  WORD_TYPEDEF,
} from './declarationWords';
import { KEYWORD_COUNT, OCC_FLAG_CALL, OCC_FLAG_PREPROCESSOR, type ExtractionSink } from './extractionSink';
import {
  CH_COMMA,
  CH_EQUALS,
  CH_LBRACE,
  CH_LBRACKET,
  CH_LPAREN,
  CH_RBRACE,
  CH_RBRACKET,
  CH_RPAREN,
  CH_SEMICOLON,
  CH_SPACE,
  CH_TAB,
} from './charCodes';

export { normalizeSignature } from './declarationWords';

export type {
  GeneratorLookup,
  GeneratorFilter,
  LexicalDefinition,
  LexicalExtraction,
  ExtractOptions,
} from './lexicalTypes';

interface Scope {
  kind: 'function' | 'struct' | 'union' | 'enum' | 'block' | 'init';
  name?: string;
  /** Definition whose end is set when the scope closes. */
  definition?: LexicalDefinition;
  /** Declaration tokens to continue with after the closing brace (`typedef struct {...} x;`). */
  resumeDeclaration?: number[];
  /** For function scopes in the bulk pass: the collector's scope index. */
  scopeIndex?: number;
  /** Other definitions sharing this body (`#ifdef` around the signature): their end is set with it. */
  alternatives?: LexicalDefinition[];
  /** Members of an anonymous aggregate, named after the typedef that follows its `}` (`typedef struct {...} x;`). */
  unnamedMembers?: LexicalDefinition[];
  /**
   * The innermost function scope at or below this one on the stack, set when it is pushed: finding it by walking
   * the stack at every `{` and `}` made 20,000 nested blocks quadratic (4 s for one 40 kB file, issue 17).
   */
  enclosingFunction?: Scope;
  /**
   * The scope below this one. The stack is a linked list whose links never change once pushed, so an `#if`
   * remembers the whole stack by keeping its top (O(1)); copying an array stack at every `#if` ran an index
   * worker out of memory on 4,105 unclosed `#if` inside 16,000 nested blocks (issue 17).
   */
  parent?: Scope;
}

/** Every scope has all fields, so the hot loop's property reads stay monomorphic. */
function scopeOf(fields: Partial<Scope> & Pick<Scope, 'kind'>): Scope {
  return {
    kind: fields.kind,
    name: fields.name,
    definition: fields.definition,
    resumeDeclaration: fields.resumeDeclaration,
    scopeIndex: fields.scopeIndex ?? 0,
    alternatives: fields.alternatives,
    unnamedMembers: fields.unnamedMembers,
    enclosingFunction: undefined,
    parent: undefined,
  };
}

/**
 * The extractor's state at a point of an `#if`, kept without copying: the top of the (persistent) scope stack and
 * the declaration as an array plus its length then. The extractor only ever appends to a declaration array or
 * replaces it, so the first `length` tokens of `tokens` stay what they were (see restoreDeclaration).
 */
interface ParserPoint {
  top: Scope | undefined;
  tokens: number[];
  length: number;
}

interface ConditionalState {
  /** State at the `#if`, restored at each `#else`/`#elif`. */
  start: ParserPoint;
  /** State at the end of the first branch, restored at #endif. */
  afterFirstBranch?: ParserPoint;
  /** Unfinished declarations the other branches ended with (alternative signatures of one body). */
  otherBranches: ParserPoint[];
}

/**
 * Bounds on the work per file (issue 17). Real code nests `#if` about a dozen deep and its longest declaration
 * has 2,378 tokens (a generic-netlink family table, include/linux/drbd_genl.h; measured over mm, fs, include,
 * kernel, arch/x86 and drivers/gpu of 6.12); a mutated or hostile file goes far beyond both. Past the nesting
 * bound, inner `#if` branches are read one after the other (as if all were taken); past the length bound a
 * declaration keeps its first tokens, which hold its name; past the copy budget (tokens copied to restore the
 * declaration at `#else`/`#endif`, per token of the file) the remaining `#if` branches are read in sequence.
 * Each says so once in `limits`.
 */
export const MAX_TRACKED_CONDITIONAL_DEPTH = 64;
export const MAX_DECLARATION_TOKENS = 8_192;
export const RESTORE_BUDGET_PER_TOKEN = 16;
const RESTORE_BUDGET_BASE = 65_536;

export function extractLexical(text: string, options: ExtractOptions): LexicalExtraction {
  const tokens = tokenize(text, options.collector?.tokenScratch);
  const collector = options.collector;
  collector?.beginFile(tokens);
  const extraction = new LexicalExtractor(tokens, options).run();
  if (collector) {
    scanInstallSites(tokens, (field, value) =>
      collector.install(collector.idOfToken(tokens, field), collector.idOfToken(tokens, value), tokens.line[value]),
    );
  } else if (options.installs) {
    const installs: InstallSite[] = [];
    scanInstallSites(tokens, (field, value) =>
      installs.push({ field: tokens.tokenText(field), value: tokens.tokenText(value), line: tokens.line[value] }),
    );
    extraction.installs = installs;
  }
  return extraction;
}

class LexicalExtractor {
  private readonly text: string;
  private readonly definitions: LexicalDefinition[] = [];
  private readonly identifiers = new Set<string>();
  private referenceCount = 0;
  private readonly references?: Reference[];
  private readonly referenceTokens: number[] = [];
  private readonly definitionTokens = new Set<number>();
  /** Innermost scope (the stack is linked through Scope.parent). */
  private top: Scope | undefined;
  /** Derived from `top` whenever it changes (read for every token, so not recomputed there). */
  private inBody = false;
  private currentScopeIndex = 0;
  private declaration: number[] = [];
  private parenDepth = 0;
  private docCandidate = -1;
  private declarationDoc = -1;
  private readonly conditionals: ConditionalState[] = [];
  /** `#if` levels opened past MAX_TRACKED_CONDITIONAL_DEPTH: their branches are read in sequence. */
  private untrackedConditionals = 0;
  /** Tokens copied to restore declarations at `#else`/`#endif` (what the bounds above keep linear). */
  private restoredTokens = 0;
  private readonly limits = new Set<string>();
  /** Signatures of the other #if branches, defined with the body that follows (see conditional()). */
  private pendingAlternatives: number[][] = [];
  /** Members of an anonymous aggregate that just closed, waiting for their typedef name. */
  private pendingUnnamedMembers: LexicalDefinition[] | undefined;

  private readonly view: DeclarationView;
  private readonly macroCalls?: Array<[number, number]>;
  private readonly macroParameters?: Array<{ start: number; end: number; define: number }>;
  private readonly collector?: ExtractionSink;

  constructor(
    private readonly tokens: TokenStream,
    private readonly options: ExtractOptions,
  ) {
    this.text = tokens.text;
    this.view = new DeclarationView(tokens, options.collector, options.isGenerator);
    this.collector = options.collector;
    if (options.references && !this.collector) this.references = [];
    if (options.collectMacroCalls) this.macroCalls = [];
    if (options.macroParameters) this.macroParameters = [];
  }

  run(): LexicalExtraction {
    const { tokens } = this;
    const kinds = tokens.kind,
      allFlags = tokens.flags,
      chars = tokens.char,
      count = tokens.count;
    for (let i = 0; i < count; i++) {
      const flags = allFlags[i];
      if (flags & FLAG_DEAD) continue;
      const kind = kinds[i];
      if (kind === TokenKind.DocComment) {
        this.docCandidate = i;
        continue;
      }
      if (kind === TokenKind.Directive) {
        i = this.directive(i);
        continue;
      }
      if (kind === TokenKind.DirectiveEnd || flags & FLAG_PREPROCESSOR) continue;
      // Inside a function body (most tokens) only identifiers and braces matter: handled here, without a call.
      if (this.inBody) {
        if (kind === TokenKind.Identifier) this.noteIdentifier(i, false);
        else if (chars[i] === CH_LBRACE) this.pushScope(scopeOf({ kind: 'block' }));
        else if (chars[i] === CH_RBRACE) this.closeScope(i);
        this.docCandidate = -1;
        continue;
      }
      this.codeToken(i);
    }
    if (tokens.overlongIdentifiers > 0)
      this.limits.add(
        `${tokens.overlongIdentifiers} identifier(s) longer than ${MAX_IDENTIFIER_LENGTH} characters: not indexed`,
      );
    return {
      definitions: this.definitions,
      identifiers: [...this.identifiers],
      referenceCount: this.referenceCount,
      references: this.references ? this.finishReferences() : undefined,
      macroCalls: this.macroCalls,
      macroParameters: this.macroParameters,
      limits: this.limits.size > 0 ? [...this.limits] : undefined,
      restoredTokens: this.restoredTokens,
    };
  }

  // ---- references -------------------------------------------------------------------------

  private noteIdentifier(i: number, inPreprocessor: boolean): void {
    const collector = this.collector;
    if (collector) {
      const id = collector.idOfToken(this.tokens, i);
      if (id < KEYWORD_COUNT) return;
      this.referenceCount++;
      const flags = (this.isFollowedByParen(i) ? OCC_FLAG_CALL : 0) | (inPreprocessor ? OCC_FLAG_PREPROCESSOR : 0);
      collector.occurrence(id, i, flags, this.currentScopeIndex);
      return;
    }
    const name = this.tokens.tokenText(i);
    if (C_KEYWORDS.has(name)) return;
    this.identifiers.add(name);
    this.referenceCount++;
    const wanted = this.options.references;
    if (!this.references || !wanted || (wanted !== 'all' && !wanted.has(name))) return;
    const { tokens } = this;
    const line = tokens.line[i];
    const character = tokens.column(i);
    this.references.push({
      file: this.options.file,
      range: { start: { line, character }, end: { line, character: character + name.length } },
      isCall: this.nextSignificant(i) >= 0 && this.view.isChar(this.nextSignificant(i), CH_LPAREN),
      isDefinition: false,
      inPreprocessor,
      enclosingFunction: this.enclosingFunction(),
    });
    this.referenceTokens.push(i);
  }

  /** A call: the next code token is `(`. Usually that is token i + 1 (same directive state, not a comment). */
  private isFollowedByParen(i: number): boolean {
    const { tokens } = this;
    const j = i + 1;
    if (j < tokens.count && tokens.kind[j] <= LAST_CODE_TOKEN_KIND && tokens.flags[j] === tokens.flags[i])
      return tokens.char[j] === CH_LPAREN;
    const next = this.nextSignificant(i);
    return next >= 0 && tokens.char[next] === CH_LPAREN;
  }

  private finishReferences(): Reference[] {
    const references = this.references!;
    references.forEach((reference, k) => {
      reference.isDefinition = this.definitionTokens.has(this.referenceTokens[k]);
      // A definition's name followed by `(` is not a call.
      if (reference.isDefinition) reference.isCall = false;
    });
    return references;
  }

  /** Scope index of a function body for the collector (0 without one). */
  private functionScope(name: string): number {
    return this.collector ? this.collector.functionScope(name) : 0;
  }

  private enclosingFunction(): string | undefined {
    return this.topScope()?.enclosingFunction?.name;
  }

  // ---- token helpers -------------------------------------------------------------------------

  /** Next code token after i on the same preprocessor level (skips comments, dead code and directives in code). */
  private nextSignificant(i: number): number {
    const { tokens } = this;
    const inDirective = (tokens.flags[i] & FLAG_PREPROCESSOR) !== 0;
    for (let j = i + 1; j < tokens.count; j++) {
      const kind = tokens.kind[j];
      if (kind === TokenKind.DocComment || tokens.flags[j] & FLAG_DEAD) continue;
      if (inDirective) return kind === TokenKind.DirectiveEnd ? -1 : j;
      if (kind === TokenKind.Directive || kind === TokenKind.DirectiveEnd || tokens.flags[j] & FLAG_PREPROCESSOR)
        continue;
      return j;
    }
    return -1;
  }

  // ---- preprocessor ---------------------------------------------------------------------------

  /** Handles one directive line; returns the index of its DirectiveEnd token. */
  private directive(i: number): number {
    const { tokens } = this;
    // The token is `#`, optional blanks, the name (no regex: a generated header has 100k directives).
    let nameStart = tokens.start[i] + 1;
    while (
      nameStart < tokens.end[i] &&
      (this.text.charCodeAt(nameStart) === CH_SPACE || this.text.charCodeAt(nameStart) === CH_TAB)
    )
      nameStart++;
    const name = this.text.slice(nameStart, tokens.end[i]);
    let end = i + 1;
    while (end < tokens.count && tokens.kind[end] !== TokenKind.DirectiveEnd) end++;
    if (name === 'define' && end > i + 1 && this.view.isIdentifier(i + 1)) {
      const nameToken = i + 1;
      const isFunctionLike = this.text.charCodeAt(tokens.end[nameToken]) === CH_LPAREN; // '(' right after the name
      let sigEnd = tokens.end[nameToken];
      if (isFunctionLike) {
        for (let j = nameToken + 1; j < end; j++)
          if (this.view.isChar(j, CH_RPAREN)) {
            sigEnd = tokens.end[j];
            break;
          }
      } else {
        sigEnd = Math.min(end > nameToken + 1 ? tokens.end[end - 1] : sigEnd, tokens.start[i] + 160);
      }
      this.addDefinition(
        nameToken,
        isFunctionLike ? 'function-macro' : 'macro',
        i,
        end,
        tokens.start[i],
        sigEnd,
        this.takeDoc(i),
      );
      this.noteIdentifier(nameToken, true);
      // The body starts after the name, or after the `)` of a function-like macro's parameter list. Parameter
      // names (in the list and in the body, `__VA_ARGS__` included) are not references to anything in the tree.
      let bodyStart = nameToken + 1;
      let parameters: number[] | undefined;
      if (isFunctionLike) {
        parameters = [];
        for (bodyStart = nameToken + 2; bodyStart < end && !this.view.isChar(bodyStart, CH_RPAREN); bodyStart++) {
          if (tokens.kind[bodyStart] === TokenKind.Identifier) parameters.push(bodyStart);
          else if (
            tokens.end[bodyStart] - tokens.start[bodyStart] === 3 &&
            this.text.startsWith('...', tokens.start[bodyStart])
          )
            parameters.push(-1);
        }
        bodyStart++;
      }
      for (let j = bodyStart; j < end; j++) {
        if (tokens.kind[j] !== TokenKind.Identifier) continue;
        if (parameters && this.isMacroParameter(j, parameters))
          this.macroParameters?.push({ start: tokens.start[j], end: tokens.end[j], define: tokens.start[i] });
        else this.noteIdentifier(j, true);
      }
      if (parameters && this.macroParameters) {
        for (const p of parameters)
          if (p >= 0)
            this.macroParameters.push({ start: tokens.start[p], end: tokens.end[p], define: tokens.start[i] });
      }
      return end;
    }
    this.docCandidate = -1;
    if (name !== 'include' && name !== 'include_next' && name !== 'error' && name !== 'warning' && name !== 'pragma') {
      for (let j = i + 1; j < end; j++) if (tokens.kind[j] === TokenKind.Identifier) this.noteIdentifier(j, true);
    }
    this.conditional(name);
    return end;
  }

  /** Token j of a #define body names one of the parameters (-1 in the list: `...`, named `__VA_ARGS__`). */
  private isMacroParameter(j: number, parameters: number[]): boolean {
    const { tokens } = this;
    const length = tokens.end[j] - tokens.start[j];
    for (const p of parameters) {
      if (p < 0) {
        if (length === 11 && this.text.startsWith('__VA_ARGS__', tokens.start[j])) return true;
      } else if (
        tokens.hash[p] === tokens.hash[j] &&
        tokens.hash2[p] === tokens.hash2[j] &&
        tokens.end[p] - tokens.start[p] === length
      ) {
        return true;
      }
    }
    return false;
  }

  /**
   * `#ifdef` around half a function: parse the first branch, then rewind for the others, and resume the first at
   * #endif.
   */
  private conditional(name: string): void {
    if (name === 'if' || name === 'ifdef' || name === 'ifndef') {
      if (this.untrackedConditionals > 0 || this.conditionals.length >= MAX_TRACKED_CONDITIONAL_DEPTH) {
        this.untrackedConditionals++;
        this.limits.add(
          `#if nested deeper than ${MAX_TRACKED_CONDITIONAL_DEPTH}: the inner branches are read one after the other`,
        );
        return;
      }
      if (this.overRestoreBudget()) {
        this.untrackedConditionals++;
        return;
      }
      this.conditionals.push({ start: this.point(), otherBranches: [] });
    } else if (name === 'else' || name === 'elif' || name === 'elifdef' || name === 'elifndef') {
      if (this.untrackedConditionals > 0 || this.overRestoreBudget()) return;
      const top = this.conditionals.length > 0 ? this.conditionals[this.conditionals.length - 1] : undefined;
      if (!top) return;
      if (top.afterFirstBranch) top.otherBranches.push(this.point());
      top.afterFirstBranch ??= this.point();
      this.restore(top.start);
    } else if (name === 'endif') {
      if (this.untrackedConditionals > 0) {
        this.untrackedConditionals--;
        return;
      }
      const top = this.conditionals.pop();
      if (top?.afterFirstBranch) {
        top.otherBranches.push(this.point());
        // `#ifdef A <signature> #else <signature> #endif { body }`: each branch's signature owns the body.
        this.pendingAlternatives = top.otherBranches
          .filter((branch) => branch.length > top.start.length)
          .map((branch) => branch.tokens.slice(0, branch.length));
        this.restore(top.afterFirstBranch);
      }
    }
  }

  private overRestoreBudget(): boolean {
    if (this.restoredTokens <= RESTORE_BUDGET_BASE + RESTORE_BUDGET_PER_TOKEN * this.tokens.count) return false;
    this.limits.add('#if branches re-read too often: the remaining ones are read one after the other');
    return true;
  }

  /** The current scope stack and declaration, in O(1) (see ParserPoint). */
  private point(): ParserPoint {
    return { top: this.top, tokens: this.declaration, length: this.declaration.length };
  }

  private restore(point: ParserPoint): void {
    this.setTop(point.top);
    if (point.tokens.length === point.length) {
      // Nothing was appended since: share the array (appending to it later keeps point's prefix intact).
      this.declaration = point.tokens;
    } else {
      this.restoredTokens += point.length;
      this.declaration = point.tokens.slice(0, point.length);
    }
  }

  // ---- code ----------------------------------------------------------------------------------

  /** Innermost scope. */
  private topScope(): Scope | undefined {
    return this.top;
  }
  private pushScope(scope: Scope): void {
    scope.enclosingFunction = scope.kind === 'function' ? scope : this.top?.enclosingFunction;
    scope.parent = this.top;
    this.setTop(scope);
  }
  private popScope(): Scope | undefined {
    const scope = this.top;
    if (scope) this.setTop(scope.parent);
    return scope;
  }
  private setTop(top: Scope | undefined): void {
    this.top = top;
    this.scopesChanged();
  }
  private scopesChanged(): void {
    const top = this.topScope();
    this.inBody = top !== undefined && (top.kind === 'function' || top.kind === 'block' || top.kind === 'init');
    // A point restored by restore() holds scopes pushed here, so each one's enclosingFunction is still right.
    this.currentScopeIndex = top?.enclosingFunction?.scopeIndex ?? 0;
  }

  /** A code token at file scope or inside a struct/union/enum body (run() handles function bodies itself). */
  private codeToken(i: number): void {
    const { tokens } = this;
    // Accumulate a declaration.
    const scope = this.topScope();
    if (tokens.kind[i] === TokenKind.Identifier) this.noteIdentifier(i, false);
    if (this.view.isChar(i, CH_LPAREN)) this.parenDepth++;
    else if (this.view.isChar(i, CH_RPAREN)) this.parenDepth = Math.max(0, this.parenDepth - 1);
    if (this.parenDepth === 0) {
      if (this.view.isChar(i, CH_LBRACE)) {
        this.openBrace(i);
        return;
      }
      if (this.view.isChar(i, CH_RBRACE)) {
        this.closeScope(i);
        return;
      }
      if (this.view.isChar(i, CH_SEMICOLON)) {
        this.endDeclaration(i);
        return;
      }
      if (this.view.isChar(i, CH_COMMA) && scope?.kind === 'enum') {
        this.endDeclaration(i);
        return;
      }
    }
    if (this.declaration.length === 0) {
      this.declarationDoc = this.takeDoc(i);
    }
    if (this.declaration.length < MAX_DECLARATION_TOKENS) this.declaration.push(i);
    else this.limits.add(`a declaration longer than ${MAX_DECLARATION_TOKENS} tokens: only its start is read`);
    // Generator macros at file scope often have no semicolon (PAGEFLAG(...) TESTCLEARFLAG(...)).
    if (
      this.parenDepth === 0 &&
      this.view.isChar(i, CH_RPAREN) &&
      this.view.isIdentifier(this.declaration[0]) &&
      this.declaration.length > 2 &&
      this.view.isChar(this.declaration[1], CH_LPAREN)
    ) {
      const next = this.nextSignificant(i);
      if (next < 0 || !this.view.isChar(next, CH_LBRACE)) {
        if (this.expandGenerator(this.declaration, i, false)) this.declaration = [];
        else if (this.isUnterminatedMacroLine(this.declaration[0], i, next)) {
          this.macroCalls?.push([this.tokens.start[this.declaration[0]], this.tokens.end[i]]);
          this.declaration = [];
        }
      }
    }
  }

  /**
   * `SOME_MACRO(args)` alone on its lines, with the next declaration starting on a new line: no semicolon to wait for.
   */
  private isUnterminatedMacroLine(macroToken: number, close: number, next: number): boolean {
    if (!this.view.isWord(macroToken, WORD_MACRO_NAME) || next < 0) return false;
    if (this.tokens.line[next] === this.tokens.line[close]) return false;
    return !(
      this.view.isChar(next, CH_SEMICOLON) ||
      this.view.isChar(next, CH_COMMA) ||
      this.view.isChar(next, CH_EQUALS) ||
      this.view.isChar(next, CH_LPAREN) ||
      this.view.isChar(next, CH_LBRACE)
    );
  }

  private takeDoc(at: number): number {
    const doc = this.docCandidate;
    this.docCandidate = -1;
    if (doc < 0) return -1;
    // Attached only if nothing but blank lines (at most one) separates it from the declaration.
    return this.tokens.line[at] - this.tokens.positionAt(this.tokens.end[doc]).line <= 2 ? doc : -1;
  }

  private openBrace(i: number): void {
    const decl = this.declaration;
    const alternatives = this.pendingAlternatives;
    this.pendingAlternatives = [];
    const scope = this.topScope();
    const last = decl.length > 0 ? decl[decl.length - 1] : -1;
    const beforeLast = decl.length > 1 ? decl[decl.length - 2] : -1;
    // struct/union/enum [name] {
    const aggregateAt =
      last >= 0 && this.view.isAggregateKeyword(last)
        ? last
        : beforeLast >= 0 && this.view.isAggregateKeyword(beforeLast) && this.view.isIdentifier(last)
          ? beforeLast
          : -1;
    if (aggregateAt >= 0) {
      const kind = this.view.textOf(aggregateAt) as 'struct' | 'union' | 'enum';
      const nameToken = aggregateAt === last ? -1 : last;
      let definition: LexicalDefinition | undefined;
      if (nameToken >= 0)
        definition = this.addDefinition(
          nameToken,
          kind,
          decl[0],
          i,
          this.tokens.start[aggregateAt],
          this.tokens.end[nameToken],
          this.declarationDoc,
        );
      // Anonymous members belong to the enclosing aggregate.
      const name = nameToken >= 0 ? this.view.textOf(nameToken) : scope?.name;
      this.pushScope(scopeOf({ kind, name, definition, resumeDeclaration: decl.slice() }));
      this.declaration = [];
      return;
    }
    if (decl.some((t) => t >= 0 && this.view.isChar(t, CH_EQUALS))) {
      this.pushScope(scopeOf({ kind: 'init', resumeDeclaration: decl.slice() }));
      this.declaration = [];
      return;
    }
    if (!scope) {
      const generatorAt = this.view.generatorIndex(decl);
      const isStatic = decl.some((t) => this.view.isWord(t, WORD_STATIC));
      if (generatorAt >= 0) this.noteMacroCalls(decl, generatorAt);
      if (generatorAt >= 0 && this.expandGenerator(decl.slice(generatorAt), i, true, isStatic)) return;
      const nameIndex = this.view.functionNameIndex(decl);
      if (nameIndex >= 0) {
        if (generatorAt < 0) this.noteMacroCalls(decl, nameIndex);
        const nameToken = decl[nameIndex];
        const closeParen = this.view.matchingParen(decl, nameIndex + 1);
        const sigEnd = closeParen >= 0 ? this.tokens.end[decl[closeParen]] : this.tokens.end[nameToken];
        const definition = this.addDefinition(
          nameToken,
          'function',
          decl[0],
          i,
          this.tokens.start[decl[0]],
          sigEnd,
          this.declarationDoc,
        );
        definition.isStatic = decl.some((t) => this.view.isWord(t, WORD_STATIC));
        const others = this.alternativeSignatures(i, alternatives);
        const name = this.view.textOf(nameToken);
        this.pushScope(
          scopeOf({ kind: 'function', name, definition, alternatives: others, scopeIndex: this.functionScope(name) }),
        );
        this.declaration = [];
        return;
      }
      if (decl.length > 1 && this.view.isIdentifier(decl[0]) && decl[1] >= 0 && this.view.isChar(decl[1], CH_LPAREN)) {
        // A body opened by a macro the data does not know (`TEST_F(suite, name) {`): it defines nothing we can
        // name, but its calls are calls, attributed to the macro.
        const name = this.view.textOf(decl[0]);
        this.pushScope(scopeOf({ kind: 'function', name, scopeIndex: this.functionScope(name) }));
        this.declaration = [];
        return;
      }
    }
    if (this.isLinkageSpecification(decl)) {
      // `extern "C" {` (uapi headers for C++ users): a wrapper, not a scope. Its `}` is a stray brace at file scope.
      this.declaration = [];
      return;
    }
    this.pushScope(scopeOf({ kind: 'block', resumeDeclaration: scope ? decl.slice() : undefined }));
    this.declaration = [];
  }

  /** Functions of the other #if branches' signatures, sharing the body that opens at token `open`. */
  private alternativeSignatures(open: number, branches: number[][]): LexicalDefinition[] | undefined {
    if (branches.length === 0) return undefined;
    const out: LexicalDefinition[] = [];
    for (const decl of branches) {
      const nameIndex = this.view.functionNameIndex(decl);
      if (nameIndex < 0 || decl[0] < 0) continue;
      const close = this.view.matchingParen(decl, nameIndex + 1);
      const nameToken = decl[nameIndex];
      const sigEnd = close >= 0 ? this.tokens.end[decl[close]] : this.tokens.end[nameToken];
      const definition = this.addDefinition(
        nameToken,
        'function',
        decl[0],
        open,
        this.tokens.start[decl[0]],
        sigEnd,
        -1,
      );
      definition.isStatic = decl.some((t) => t >= 0 && this.view.isWord(t, WORD_STATIC));
      out.push(definition);
    }
    return out;
  }

  /** Macro invocations of a declaration that are not its declarator (for the tree-sitter front end). */
  private noteMacroCalls(decl: number[], declaratorIndex: number): void {
    const out = this.macroCalls;
    if (!out) return;
    const { tokens } = this;
    for (const k of this.view.macroCallIndexes(decl, declaratorIndex >= 0 ? declaratorIndex : decl.length)) {
      const close = this.view.matchingParen(decl, k + 1);
      if (close > k) out.push([tokens.start[decl[k]], tokens.end[decl[close]]]);
    }
    for (const k of this.view.pointerAnnotations(decl)) out.push([tokens.start[decl[k]], tokens.end[decl[k]]]);
  }

  /** `extern "C"` (or `extern "C++"`) before a `{`. */
  private isLinkageSpecification(decl: number[]): boolean {
    return (
      decl.length === 2 &&
      decl[0] >= 0 &&
      decl[1] >= 0 &&
      this.view.isWord(decl[0], WORD_EXTERN) &&
      this.tokens.kind[decl[1]] === TokenKind.String &&
      this.text.startsWith('"C', this.tokens.start[decl[1]])
    );
  }

  private closeScope(i: number): void {
    const scope = this.popScope();
    if (!scope) {
      this.declaration = [];
      return;
    } // stray brace: keep going
    for (const definition of [scope.definition, ...(scope.alternatives ?? [])]) {
      if (!definition) continue;
      definition.endLine = this.tokens.line[i];
      definition.endCol = this.tokens.column(i) + 1;
    }
    this.pendingUnnamedMembers = scope.unnamedMembers;
    this.parenDepth = 0;
    if (scope.kind === 'function') {
      this.declaration = [];
      return;
    }
    if (scope.kind === 'enum' && this.declaration.length > 0) this.endDeclaration(-1, scope);
    const marker = scope.kind === 'init' || scope.kind === 'block' ? INITIALIZER_MARKER : BODY_MARKER;
    const resume = scope.resumeDeclaration;
    this.declaration = !resume ? [] : resume.length < MAX_DECLARATION_TOKENS ? [...resume, marker] : resume.slice();
  }

  /** Returns true if `tokens` starts with a known generator macro invocation, after defining its names. */
  private expandGenerator(decl: number[], bodyOrEnd: number, opensBody: boolean, isStatic = false): boolean {
    const generators = this.options.generators;
    if (!generators || decl.length < 3 || !this.view.isWord(decl[0], WORD_GENERATOR)) return false;
    const macro = this.view.textOf(decl[0]);
    const close = this.view.matchingParen(decl, 1);
    if (close < 0) return false;
    const args: string[] = [];
    // First token of each argument: a generated name points at the argument it is built from.
    const argTokens: number[] = [];
    let current: string[] = [];
    let depth = 0;
    for (let k = 2; k < close; k++) {
      const t = decl[k];
      if (t < 0) continue;
      if (this.view.isChar(t, CH_LPAREN)) depth++;
      if (this.view.isChar(t, CH_RPAREN)) depth--;
      if (depth === 0 && this.view.isChar(t, CH_COMMA)) {
        args.push(current.join(' '));
        current = [];
        continue;
      }
      if (current.length === 0) argTokens[args.length] = t;
      current.push(this.view.textOf(t));
    }
    args.push(current.join(' '));
    const generated = generators(macro, args);
    if (!generated || generated.length === 0) return false;
    const { tokens } = this;
    const first = decl[0];
    let functionDefinition: LexicalDefinition | undefined;
    const scope = this.topScope();
    const aggregate = scope?.kind === 'struct' || scope?.kind === 'union' ? scope : undefined;
    for (const { name, kind, argIndex } of generated) {
      // `DECLARE_BITMAP(bits, N);` inside a struct declares a member.
      const definedKind =
        aggregate && kind === 'variable' ? 'field' : kind === 'function' && !opensBody ? 'generated' : kind;
      const definition = this.addDefinition(
        argTokens[argIndex] ?? first,
        definedKind,
        first,
        opensBody ? bodyOrEnd : decl[close],
        tokens.start[first],
        tokens.end[decl[close]],
        this.declarationDoc,
        definedKind === 'field' ? aggregate?.name : undefined,
        name,
      );
      if (definedKind === 'field' && aggregate?.name === undefined) (aggregate!.unnamedMembers ??= []).push(definition);
      definition.isStatic = isStatic;
      if (kind === 'function' && opensBody) functionDefinition ??= definition;
    }
    if (opensBody && functionDefinition) {
      const name = functionDefinition.name;
      this.pushScope(
        scopeOf({ kind: 'function', name, definition: functionDefinition, scopeIndex: this.functionScope(name) }),
      );
      this.declaration = [];
    } else if (opensBody) {
      // An object defined with an initialiser (`define_machine(pseries) { .name = ... }`).
      this.pushScope(scopeOf({ kind: 'init', resumeDeclaration: [] }));
      this.declaration = [];
    }
    return true;
  }

  // ---- declarations ending in ';' (or ',' in an enum) -----------------------------------------

  private endDeclaration(end: number, enumScope?: Scope): void {
    const decl = this.declaration;
    this.declaration = [];
    this.parenDepth = 0;
    this.pendingAlternatives = [];
    const unnamedMembers = this.pendingUnnamedMembers;
    this.pendingUnnamedMembers = undefined;
    const scope = enumScope ?? this.topScope();
    if (unnamedMembers && (scope?.kind === 'struct' || scope?.kind === 'union') && scope.name === undefined) {
      // Members of an anonymous aggregate inside another anonymous one: they wait for the same typedef name.
      (scope.unnamedMembers ??= []).push(...unnamedMembers);
    }
    if (decl.length === 0) return;
    const first = decl.find((t) => t >= 0) ?? -1;
    if (first < 0) return;
    const endToken = end >= 0 ? end : decl[decl.length - 1];
    if (scope?.kind === 'enum') {
      if (this.view.isIdentifier(decl[0]))
        this.addDefinition(
          decl[0],
          'enumerator',
          decl[0],
          endToken,
          this.tokens.start[decl[0]],
          this.tokens.end[decl[decl.length - 1]],
          this.declarationDoc,
          scope.name,
        );
      return;
    }
    const inAggregate = scope?.kind === 'struct' || scope?.kind === 'union';
    const isTypedef = this.view.isWord(first, WORD_TYPEDEF);
    // `static DEFINE_MUTEX(x);`, `DECLARE_BITMAP(bits, N);`: generator macros define their names.
    const generatorAt = isTypedef ? -1 : this.view.generatorIndex(decl);
    const isStatic = decl.some((t) => this.view.isWord(t, WORD_STATIC));
    if (generatorAt >= 0) this.noteMacroCalls(decl, generatorAt);
    if (generatorAt >= 0 && this.expandGenerator(decl.slice(generatorAt), endToken, false, isStatic)) return;
    const functionIndex = this.view.functionNameIndex(decl);
    if (generatorAt < 0) this.noteMacroCalls(decl, functionIndex);
    if (
      isTypedef &&
      functionIndex >= 0 &&
      !this.view.isFunctionPointerDeclarator(decl, functionIndex) &&
      !this.view.isFollowedByName(decl, this.view.matchingParen(decl, functionIndex + 1))
    ) {
      // `typedef int filler_t(struct file *, struct folio *);`: the name of a function type (but in
      // `typedef DARRAY(struct node) nodes;` the macro makes the type and `nodes` is the name).
      const nameToken = decl[functionIndex];
      this.addDefinition(
        nameToken,
        'typedef',
        first,
        endToken,
        this.tokens.start[first],
        this.tokens.end[endToken >= 0 ? endToken : nameToken],
        this.declarationDoc,
      );
      return;
    }
    if (
      !isTypedef &&
      !inAggregate &&
      functionIndex >= 0 &&
      !this.view.isFunctionPointerDeclarator(decl, functionIndex)
    ) {
      const nameToken = decl[functionIndex];
      const isMacroUse = this.view.isWord(nameToken, WORD_ALL_CAPS);
      if (!isMacroUse) {
        const close = this.view.matchingParen(decl, functionIndex + 1);
        const definition = this.addDefinition(
          nameToken,
          'prototype',
          first,
          endToken,
          this.tokens.start[first],
          this.tokens.end[decl[close >= 0 ? close : functionIndex]],
          this.declarationDoc,
        );
        definition.isDeclaration = true;
        definition.isStatic = decl.some((t) => this.view.isWord(t, WORD_STATIC));
      }
      return;
    }
    // Variables, typedefs and fields: one name per comma-separated declarator.
    const isExtern = this.view.isWord(first, WORD_EXTERN);
    let segmentStart = 0;
    let depth = 0;
    const segments: number[][] = [];
    for (let k = 0; k < decl.length; k++) {
      const t = decl[k];
      if (t >= 0 && (this.view.isChar(t, CH_LPAREN) || this.view.isChar(t, CH_LBRACKET))) depth++;
      else if (t >= 0 && (this.view.isChar(t, CH_RPAREN) || this.view.isChar(t, CH_RBRACKET))) depth--;
      else if (t >= 0 && depth === 0 && this.view.isChar(t, CH_COMMA)) {
        segments.push(decl.slice(segmentStart, k));
        segmentStart = k + 1;
      }
    }
    segments.push(decl.slice(segmentStart));
    if (decl.length === 2 && this.view.isAggregateKeyword(decl[0]) && this.view.isIdentifier(decl[1])) {
      // `struct demo_forward;`: a declaration of the tag.
      const definition = this.addDefinition(
        decl[1],
        this.view.textOf(decl[0]) as DefinitionKind,
        first,
        endToken,
        this.tokens.start[first],
        this.tokens.end[decl[1]],
        this.declarationDoc,
      );
      definition.isDeclaration = true;
      return;
    }
    const kind: DefinitionKind = isTypedef ? 'typedef' : inAggregate ? 'field' : 'variable';
    segments.forEach((segment, index) => {
      // A lone `struct foo;` or a type with no declarator (`struct foo {...};`) defines no name.
      const nameToken = this.view.declaratorName(segment, index === 0);
      if (nameToken < 0) return;
      const sigStart = this.tokens.start[first];
      const definition = this.addDefinition(
        nameToken,
        kind,
        first,
        endToken,
        sigStart,
        this.tokens.end[nameToken],
        this.declarationDoc,
        inAggregate ? scope?.name : undefined,
      );
      if (kind === 'variable') {
        definition.isDeclaration = isExtern;
        definition.isStatic = decl.some((t) => this.view.isWord(t, WORD_STATIC));
      }
      if (kind === 'field' && scope?.name === undefined) (scope!.unnamedMembers ??= []).push(definition);
      if (kind === 'typedef' && index === 0 && unnamedMembers) {
        // `typedef struct { ... } pte_t;`: the members belong to the typedef name.
        for (const member of unnamedMembers) member.container = definition.name;
      }
    });
  }

  // ---- definitions ---------------------------------------------------------------------------

  /**
   * `generatedName`: a name a generator macro builds from the token (`folio_test_` + `dirty`); the token is then
   * marked as a definition only when it spells the name itself (`DEFINE_MUTEX(x)` defines `x`).
   */
  private addDefinition(
    nameToken: number,
    kind: DefinitionKind,
    startToken: number,
    endToken: number,
    sigStart: number,
    sigEnd: number,
    docToken: number,
    container?: string,
    generatedName?: string,
  ): LexicalDefinition {
    const { tokens } = this;
    const firstToken = startToken >= 0 ? startToken : nameToken;
    const lastToken = endToken >= 0 ? endToken : nameToken;
    // Most tokens end on the line they start on (no search of the line table for each of 5 M definitions).
    const endOffset = tokens.end[lastToken];
    let endLine = tokens.line[lastToken];
    if (endLine + 1 < tokens.lineCount && tokens.lineStarts[endLine + 1] <= endOffset)
      endLine = tokens.positionAt(endOffset).line;
    const end = { line: endLine, character: endOffset - tokens.lineStarts[endLine] };
    const tokenName = tokens.tokenText(nameToken);
    const definition: LexicalDefinition = {
      name: generatedName ?? tokenName,
      kind,
      nameLine: tokens.line[nameToken],
      nameCol: tokens.column(nameToken),
      nameEndCol: tokens.column(nameToken) + (tokens.end[nameToken] - tokens.start[nameToken]),
      startLine: tokens.line[firstToken],
      startCol: tokens.column(firstToken),
      endLine: end.line,
      endCol: end.character,
      container,
      sigStart,
      sigEnd: Math.max(sigStart, sigEnd),
      docStart: docToken >= 0 ? tokens.start[docToken] : -1,
      docEnd: docToken >= 0 ? tokens.end[docToken] : -1,
      isDeclaration: false,
      isStatic: false,
    };
    this.definitions.push(definition);
    if (generatedName !== undefined && generatedName !== tokenName) return definition;
    if (this.collector) {
      this.collector.markDefinition(nameToken);
      definition.nameId = this.collector.idOfToken(tokens, nameToken);
    } else {
      this.definitionTokens.add(nameToken);
    }
    return definition;
  }
}
