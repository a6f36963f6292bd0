import type { Definition } from '../indexing/types';
import { parseKernelDoc, type KernelDoc } from '../parsing/kernelDoc';
import type { CType, FunctionType } from './cTypes';
import { expressionStartBefore } from './accessExpressions';
import { memberAt, operatorBefore } from './symbolResolution';
import type { SemanticDocument, TypeResolver } from './typeResolver';

/**
 * Signature help from the tree's own definitions: the call around the cursor (found in the text, so it works
 * while the arguments are being typed), its function or function-like macro (every distinct signature, each with
 * the architectures that define it), the active parameter, the parameter's kernel-doc line, and for tracked
 * functions the caller's duty (`callerDuty`, from the call-context data: the surface passes it in). A call through
 * a function-pointer field (`ops->migrate_to_ram(`) shows the field's declaration.
 */

export interface SignatureParameter {
  /** [start, end) of the parameter in the signature's label. */
  label: [number, number];
  name?: string;
  /** The parameter's kernel-doc description (untrusted text). */
  documentation?: string;
}

export interface SignatureCandidate {
  label: string;
  parameters: SignatureParameter[];
  variadic: boolean;
  /** Plain text: kernel-doc summary, where it is defined, arch variants. Untrusted: escape before rendering. */
  documentation?: string;
}

export interface SignatureAnswer {
  callee: string;
  signatures: SignatureCandidate[];
  activeParameter: number;
  /** One line for tracked functions: what the caller holds or must do after the call. */
  callerDuty?: string;
}

export interface SignatureOptions {
  callerDuty?: (name: string) => string | undefined;
}

const SCAN_LIMIT = 8000;
const MAX_SIGNATURES = 6;
const NOT_CALLS = new Set([
  'if',
  'while',
  'for',
  'switch',
  'return',
  'sizeof',
  'typeof',
  '__typeof__',
  'defined',
  'case',
  'do',
  'else',
  'alignof',
  '_Alignof',
  '__attribute__',
  'asm',
  '__asm__',
]);

export function signatureHelpAt(
  resolver: TypeResolver,
  document: SemanticDocument,
  offset: number,
  options: SignatureOptions = {},
): SignatureAnswer | undefined {
  const { text } = document;
  for (const open of openParensBefore(text, offset)) {
    const nameEnd = skipBlanksBack(text, open.paren);
    let nameStart = nameEnd;
    while (nameStart > 0 && isIdentPart(text.charCodeAt(nameStart - 1))) nameStart--;
    const callee = text.slice(nameStart, nameEnd);
    if (!callee || /^[0-9]/.test(callee) || NOT_CALLS.has(callee)) continue;
    const signatures = signaturesOf(resolver, document, nameStart, nameEnd);
    if (signatures.length === 0) return undefined;
    const active = open.commas;
    const first = signatures[0];
    const answer: SignatureAnswer = {
      callee,
      signatures,
      // Past the last parameter: stay on it (the `...` of a variadic function, or the last one of a wrong call).
      activeParameter: Math.min(active, Math.max(0, first.parameters.length - 1)),
    };
    const duty = options.callerDuty?.(callee);
    if (duty) answer.callerDuty = duty;
    return answer;
  }
  return undefined;
}

/** Unclosed `(` before `offset`, innermost first, each with the number of top-level commas after it. */
function openParensBefore(text: string, offset: number): Array<{ paren: number; commas: number }> {
  const from = Math.max(0, offset - SCAN_LIMIT);
  const stack: Array<{ paren: number; commas: number }> = [];
  for (let i = from; i < offset; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0 || close >= offset) return [];
      i = close + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      if (nl < 0 || nl >= offset) return [];
      i = nl;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < offset && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (j >= offset) return [];
      i = j;
    } else if (c === '(' || c === '[' || c === '{') {
      stack.push({ paren: c === '(' ? i : -1, commas: 0 });
    } else if (c === ')' || c === ']' || c === '}') {
      stack.pop();
    } else if (c === ';' && stack.every((s) => s.paren < 0)) {
      // A statement ended: nothing before it is still open (braces excepted).
      while (stack.length && stack[stack.length - 1].paren >= 0) stack.pop();
    } else if (c === ',' && stack.length) {
      stack[stack.length - 1].commas++;
    }
  }
  const out: Array<{ paren: number; commas: number }> = [];
  for (let k = stack.length - 1; k >= 0; k--) {
    if (stack[k].paren < 0) break; // inside a block or an initializer: no call encloses the cursor
    out.push(stack[k]);
  }
  return out;
}

function signaturesOf(
  resolver: TypeResolver,
  document: SemanticDocument,
  start: number,
  end: number,
): SignatureCandidate[] {
  const name = document.text.slice(start, end);
  // A call through a local function pointer or a member (`ops->migrate_to_ram(`): the declaration's type.
  const local = resolver.localAt(document, start, end);
  if (local) return fromType(local.declarationText, name, local.type, resolver, document);
  if (operatorBefore(document.text, start)) {
    const member = memberAt(resolver, document, start, end);
    const field = member?.fields[0];
    if (field) {
      const candidates = fromType(field.declaration, name, field.type, resolver, document);
      for (const candidate of candidates)
        candidate.documentation = [field.comment, field.container].filter(Boolean).join('\n\n');
      return candidates;
    }
    if (expressionStartBefore(document.text, start) !== undefined) return [];
  }
  return fromDefinitions(resolver, document, name);
}

function fromType(
  declaration: string,
  name: string,
  type: CType,
  resolver: TypeResolver,
  document: SemanticDocument,
): SignatureCandidate[] {
  let fn = resolver.resolveNamed(type, document);
  if (fn.kind === 'pointer') fn = resolver.resolveNamed(fn.to, document);
  if (fn.kind !== 'function') return [];
  return [candidateFromFunction(declaration, name, fn)];
}

/** `vm_fault_t (*migrate_to_ram)(struct vm_fault *vmf)` as a call label: the parameters of the last list. */
function candidateFromFunction(declaration: string, _name: string, fn: FunctionType): SignatureCandidate {
  const candidate = labelWithParameters(declaration);
  candidate.parameters.forEach((parameter, i) => {
    const name = fn.parameters[i]?.name;
    if (name) parameter.name = name;
  });
  return candidate;
}

function fromDefinitions(resolver: TypeResolver, document: SemanticDocument, name: string): SignatureCandidate[] {
  const callable = (d: Definition) => d.kind === 'function' || d.kind === 'prototype' || d.kind === 'function-macro';
  const definitions = resolver.definitions.definitions(name, callable, document.file, resolver.includes(document));
  if (definitions.length === 0) return [];
  // Real definitions before prototypes; one signature per distinct text, with the architectures that have it.
  const groups = new Map<string, { definitions: Definition[] }>();
  const real = definitions.filter((d) => !d.isDeclaration && d.kind !== 'prototype');
  for (const definition of real.length ? real : definitions) {
    const label = callLabel(definition);
    if (!label) continue;
    const group = groups.get(label) ?? { definitions: [] };
    group.definitions.push(definition);
    groups.set(label, group);
  }
  const doc = definitions.find((d) => d.doc)?.doc;
  const kernelDoc = doc ? safeKernelDoc(doc) : undefined;
  const out: SignatureCandidate[] = [];
  for (const [label, group] of groups) {
    const candidate = labelWithParameters(label);
    const first = group.definitions[0];
    const names =
      first.kind === 'function-macro'
        ? macroParameterNames(label)
        : (
            resolver.definitions.declarationType(first.signature ?? '', name) as FunctionType | undefined
          )?.parameters?.map((p) => p.name);
    candidate.parameters.forEach((parameter, i) => {
      const parameterName = names?.[i];
      if (!parameterName) return;
      parameter.name = parameterName;
      const described = kernelDoc?.params.find((p) => p.name === parameterName || p.name === `${parameterName}...`);
      if (described?.description) parameter.documentation = described.description.trim();
    });
    const arches = [...new Set(group.definitions.map((d) => d.arch ?? 'generic'))];
    const lines: string[] = [];
    if (kernelDoc?.summary) lines.push(kernelDoc.summary.trim());
    lines.push(
      `${first.kind === 'function-macro' ? 'macro' : first.kind} · ${first.file}:${first.nameRange.start.line + 1}` +
        (groups.size > 1 || arches.length > 1 || arches[0] !== 'generic' ? ` · ${arches.join(', ')}` : ''),
    );
    candidate.documentation = lines.join('\n\n');
    out.push(candidate);
    if (out.length >= MAX_SIGNATURES) break;
  }
  return out;
}

function safeKernelDoc(raw: string): KernelDoc | undefined {
  try {
    return parseKernelDoc(raw);
  } catch {
    return undefined;
  }
}

/** The label a call shows: the signature, without `#define` for macros and without storage words. */
function callLabel(definition: Definition): string | undefined {
  const signature = definition.signature?.trim();
  if (!signature) return undefined;
  if (definition.kind === 'function-macro') {
    const match = /#\s*define\s+(\w+\([^)]*\))/.exec(signature);
    return match ? match[1] : undefined;
  }
  return signature.replace(/^(?:(?:static|inline|extern|__always_inline|noinline|__init|__cold)\s+)+/, '');
}

function macroParameterNames(label: string): string[] {
  const open = label.indexOf('(');
  return label
    .slice(open + 1, label.lastIndexOf(')'))
    .split(',')
    .map((p) => p.trim().replace(/\.\.\.$/, ''));
}

/** Splits the last top-level parameter list of a label into parameter ranges. */
function labelWithParameters(label: string): SignatureCandidate {
  const close = label.lastIndexOf(')');
  let open = -1;
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (label[i] === ')') depth++;
    else if (label[i] === '(' && --depth === 0) {
      open = i;
      break;
    }
  }
  const candidate: SignatureCandidate = { label, parameters: [], variadic: false };
  if (open < 0 || close < 0) return candidate;
  let start = open + 1;
  depth = 0;
  for (let i = open + 1; i <= close; i++) {
    const c = label[i];
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && i !== close) depth--;
    if (i === close || (c === ',' && depth === 0)) {
      let s = start;
      let e = i;
      while (s < e && label[s] === ' ') s++;
      while (e > s && label[e - 1] === ' ') e--;
      const text = label.slice(s, e);
      if (text === '...' || text.endsWith('...')) candidate.variadic = true;
      if (text && text !== 'void') candidate.parameters.push({ label: [s, e] });
      start = i + 1;
    }
  }
  return candidate;
}

function skipBlanksBack(text: string, i: number): number {
  while (i > 0 && /\s/.test(text[i - 1])) i--;
  return i;
}

function isIdentPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}
