import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Diagram } from './types';

/**
 * JSON Schema of a diagram file. Validated when the server loads the data and in tests, so a typo in a
 * data file is reported with its path instead of producing a broken diagram.
 */
const identifier = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 80 };
const slug = { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*$', maxLength: 60 };
const text = { type: 'string', minLength: 1, maxLength: 2000 };
const version = { type: 'string', pattern: '^\\d+\\.\\d+$' };
const treePath = { type: 'string', pattern: '^[A-Za-z0-9_./-]+$', maxLength: 200 };

const source = {
  type: 'object',
  additionalProperties: false,
  properties: {
    thread: { type: 'string', pattern: '^[^\\s<>/]+@[^\\s<>/]+$', maxLength: 300 },
    subject: text,
    tree: treePath,
  },
  anyOf: [{ required: ['thread'] }, { required: ['tree'] }],
};

const rule = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['kernel'],
      properties: {
        kernel: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { min: version, below: version },
        },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['function', 'calls'],
      properties: { function: identifier, calls: identifier, file: treePath },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['function', 'doesNotCall'],
      properties: { function: identifier, doesNotCall: identifier, file: treePath },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['symbolExists'],
      properties: { symbolExists: identifier, file: treePath },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['symbolMissing'],
      properties: { symbolMissing: identifier, file: treePath },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['changes'],
      properties: {
        changes: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*$' } },
      },
    },
  ],
};

const step = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'label', 'source'],
  properties: {
    id: slug,
    kind: { enum: ['step', 'state'] },
    label: { type: 'string', minLength: 1, maxLength: 200 },
    function: identifier,
    at: identifier,
    atAlso: { type: 'array', minItems: 1, maxItems: 4, items: identifier },
    locks: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 80 }, maxItems: 8 },
    notifier: { type: 'string', pattern: '^MMU_NOTIFY_[A-Z_]+$' },
    note: text,
    source,
  },
  // A step is code: it must say which function runs it. States may name none.
  if: { not: { properties: { kind: { const: 'state' } }, required: ['kind'] } },
  then: { required: ['function'] },
  dependencies: { at: ['function'], atAlso: ['at'] },
};

const variant = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'label', 'appliesTo', 'steps', 'transitions'],
  properties: {
    id: slug,
    label: { type: 'string', minLength: 1, maxLength: 200 },
    appliesTo: { type: 'array', items: rule, minItems: 1 },
    steps: { type: 'array', items: step, minItems: 1, maxItems: 60 },
    transitions: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to'],
        properties: { from: slug, to: slug, label: { type: 'string', minLength: 1, maxLength: 80 } },
      },
    },
  },
};

const diagramSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'summary', 'variants'],
  properties: {
    id: slug,
    title: { type: 'string', minLength: 1, maxLength: 120 },
    summary: text,
    variants: { type: 'array', items: variant, minItems: 1, maxItems: 8 },
    changes: {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to', 'summary', 'items'],
      properties: {
        from: slug,
        to: slug,
        summary: text,
        items: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['what', 'why', 'source'],
            properties: { what: text, why: text, source },
          },
        },
      },
    },
  },
} as const;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(
    diagramSchema,
  );
  return compiled;
}

/**
 * Checks a parsed diagram file: the JSON schema, then what a schema cannot say (unique ids, transitions
 * between existing steps, `changes` naming real variants). Returns human-readable problems, empty if valid.
 */
export function validateDiagram(data: unknown): string[] {
  const validate = validator();
  if (!validate(data)) return (validate.errors ?? []).map(formatAjvError);
  const diagram = data as Diagram;
  const problems: string[] = [];
  const variantIds = new Set<string>();
  for (const variant of diagram.variants) {
    if (variantIds.has(variant.id)) problems.push(`variant '${variant.id}' is defined twice`);
    variantIds.add(variant.id);
    const stepIds = new Set<string>();
    for (const step of variant.steps) {
      if (stepIds.has(step.id)) problems.push(`${variant.id}: step '${step.id}' is defined twice`);
      stepIds.add(step.id);
    }
    for (const transition of variant.transitions) {
      for (const end of [transition.from, transition.to]) {
        if (!stepIds.has(end))
          problems.push(`${variant.id}: transition ${transition.from} -> ${transition.to} names unknown step '${end}'`);
      }
    }
  }
  if (diagram.changes) {
    for (const end of [diagram.changes.from, diagram.changes.to]) {
      if (!variantIds.has(end)) problems.push(`changes names unknown variant '${end}'`);
    }
  }
  return problems;
}

function formatAjvError(error: ErrorObject): string {
  return `${error.instancePath || '/'} ${error.message ?? 'is invalid'}${error.params && 'additionalProperty' in error.params ? ` ('${String(error.params.additionalProperty)}')` : ''}`;
}
