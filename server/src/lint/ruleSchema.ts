import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

/**
 * JSON Schema of a lint-rule file (`server/data/lint-rules/*.yaml`). Checked when the server or the CLI loads the
 * rules and in tests, so a typo in a data file is reported with its location instead of silently matching nothing.
 */
const cIdentifier = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 80 };
const text = { type: 'string', minLength: 1, maxLength: 2000 };
const version = { type: 'string', pattern: '^\\d+\\.\\d+$' };
const context = {
  enum: ['code', 'preprocessor', 'include', 'kconfig-select', 'kconfig-depends', 'kconfig-config', 'makefile'],
};

const fix = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'to'],
      properties: { type: { const: 'rename' }, to: cIdentifier, premise: text },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'partner'],
      properties: { type: { const: 'drop-disjunct' }, partner: cIdentifier, premise: text },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { const: 'delete-line' },
        onlyIn: { type: 'array', items: context, minItems: 1, uniqueItems: true },
        premise: text,
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'index'],
      properties: {
        type: { const: 'drop-argument' },
        index: { type: 'integer', minimum: 0, maximum: 15 },
        onlyIf: { type: 'string', minLength: 1, maxLength: 40 },
        premise: text,
      },
    },
  ],
};

const symbolObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_./-]*$', maxLength: 120 },
    match: { enum: ['identifier', 'kconfig', 'include'] },
    fix,
    args: { type: 'integer', minimum: 0, maximum: 16 },
    display: { type: 'string', minLength: 1, maxLength: 120 },
  },
};

const rule = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'symbols', 'kind', 'removedIn', 'replacement', 'explanation', 'sources'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 60 },
    title: text,
    symbols: { type: 'array', minItems: 1, items: { oneOf: [cIdentifier, symbolObject] } },
    kind: { enum: ['function', 'macro', 'type', 'variable', 'kconfig', 'header'] },
    removedIn: version,
    removedInNote: text,
    definitionRemovedIn: version,
    replacement: text,
    replacementSymbols: { type: 'array', items: cIdentifier },
    explanation: text,
    removal: {
      type: 'object',
      additionalProperties: false,
      required: ['messageId'],
      properties: {
        // A bare Message-ID (no angle brackets, no slash): it becomes https://lore.kernel.org/all/<id>/.
        messageId: { type: 'string', pattern: '^[^\\s<>/]+@[^\\s<>/]+$', maxLength: 300 },
        subject: text,
      },
    },
    sources: { type: 'array', minItems: 1, items: text },
  },
  // A rule without a verified removal thread must say why its release is only a bound.
  anyOf: [{ required: ['removal'] }, { required: ['removedInNote'] }],
};

const lintRuleFileSchema = {
  $id: 'https://kernel-mm-lens.invalid/schemas/lint-rules.json',
  type: 'object',
  additionalProperties: false,
  required: ['rules'],
  properties: { rules: { type: 'array', minItems: 1, items: rule } },
};

let compiled: ValidateFunction | undefined;

/** Validates the parsed YAML of one rule file; returns human-readable problems (empty when valid). */
export function validateLintRuleFile(data: unknown): string[] {
  compiled ??= new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(lintRuleFileSchema);
  if (compiled(data)) return [];
  return (compiled.errors ?? []).map(formatError);
}

function formatError(error: ErrorObject): string {
  const where = error.instancePath || '(top level)';
  const extra =
    error.keyword === 'additionalProperties'
      ? ` '${(error.params as { additionalProperty: string }).additionalProperty}'`
      : '';
  return `${where}: ${error.message}${extra}`;
}
