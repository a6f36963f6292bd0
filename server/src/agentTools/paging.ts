import { ToolInputError, type JsonSchema } from './types';

/**
 * Bounded, paginated lists: a tool returns at most `limit` items (default 50, at most 200) and, when more are
 * left, a `nextCursor` to pass back as `cursor`. The cursor is the offset as text: results are deterministic for
 * an unchanged tree, so the next page is the continuation.
 */

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export const PAGING_INPUT: Record<string, JsonSchema> = {
  limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, description: `Items per page (default ${DEFAULT_LIMIT}).` },
  cursor: { type: 'string', pattern: '^[0-9]{1,9}$', description: 'nextCursor of the previous page.' },
};

export function pageOutput(item: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['total', 'items'],
    properties: {
      total: { type: 'integer', minimum: 0 },
      items: { type: 'array', items: item },
      nextCursor: { type: 'string' },
    },
  };
}

export interface Page<T> {
  total: number;
  items: T[];
  nextCursor?: string;
}

export function page<T>(all: T[], args: Record<string, unknown>): Page<T> {
  const limit = typeof args.limit === 'number' ? args.limit : DEFAULT_LIMIT;
  const offset = typeof args.cursor === 'string' ? Number(args.cursor) : 0;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new ToolInputError('cursor: not one this tool gave');
  const items = all.slice(offset, offset + limit);
  const next = offset + items.length;
  return { total: all.length, items, ...(next < all.length ? { nextCursor: String(next) } : {}) };
}
