/**
 * JSON schema of server/data/call-context/*.yaml (validated with ajv in the tests; the runtime loader
 * does the same structural checks by hand so the bundle needs no validator).
 */
export const CALL_CONTEXT_FORMAT = 'kernel-mm-lens-call-context';
export const CALL_CONTEXT_VERSION = 1;

export const FAILURE_KINDS = ['none', 'null', 'false', 'nonzero', 'err-ptr', 'err-or-null'] as const;

const versionPattern = '^[0-9]+\\.[0-9]+$';
const identifier = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' };
const sources = { type: 'array', minItems: 1, items: { type: 'string', minLength: 3 } };

export const callContextSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['format', 'version'],
  properties: {
    format: { const: CALL_CONTEXT_FORMAT },
    version: { const: CALL_CONTEXT_VERSION },
    functions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'hint', 'failure', 'holds', 'checkRelease', 'sources'],
        properties: {
          name: identifier,
          hint: { type: 'string', minLength: 3, maxLength: 120 },
          // What the inlay hint says is held, in a few words ("PTL held"); the release function is added after an
          // arrow from `holds` (or written here after `→` when `holds` is empty). The hint must fit in 43 characters.
          label: { type: 'string', minLength: 2, maxLength: 43 },
          failure: { enum: [...FAILURE_KINDS] },
          key: {
            type: 'object',
            additionalProperties: false,
            required: ['argument'],
            properties: { argument: { type: 'integer', minimum: 0 } },
          },
          holds: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['what', 'releasedBy'],
              properties: {
                what: { type: 'string', minLength: 3 },
                releasedBy: { type: 'array', minItems: 1, items: identifier },
              },
            },
          },
          checkRelease: { type: 'boolean' },
          checkReleaseReason: { type: 'string', minLength: 3 },
          nothingHeldWhenZero: { type: 'array', items: identifier },
          parameterFieldIsHandOver: { type: 'boolean' },
          since: { type: 'string', pattern: versionPattern },
          until: { type: 'string', pattern: versionPattern },
          sources,
        },
      },
    },
    insideFunctions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'notes', 'sources'],
        properties: {
          name: identifier,
          notes: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['text'],
              properties: {
                text: { type: 'string', minLength: 3, maxLength: 160 },
                // The inlay hint's words (at most 43 characters); the text goes to the tooltip.
                label: { type: 'string', minLength: 2, maxLength: 43 },
                since: { type: 'string', pattern: versionPattern },
                until: { type: 'string', pattern: versionPattern },
              },
            },
          },
          sources,
        },
      },
    },
  },
} as const;
