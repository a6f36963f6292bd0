import * as fs from 'fs';
import * as path from 'path';
import type { Parser } from 'web-tree-sitter';
import type { KernelIndex } from '../../server/src/indexing/types';
import { buildIndexForTests } from '../../server/src/indexing/testing';
import { snippetParser } from '../../server/src/semantics/snippetParser';
import { DiskSources } from '../../server/src/semantics/sourceAccess';
import { TypeResolver } from '../../server/src/semantics/typeResolver';

/** The hand-written tree of test/fixtures/semantics, indexed once per test file, with a resolver over it. */
export const FIXTURE_ROOT = path.join(__dirname, '..', 'fixtures', 'semantics');

export interface FixtureTree {
  index: KernelIndex;
  parser: Parser;
  resolver: TypeResolver;
  read(file: string): string;
}

export async function loadFixtureTree(): Promise<FixtureTree> {
  const index = await buildIndexForTests(FIXTURE_ROOT);
  const parser = await snippetParser();
  const resolver = new TypeResolver({
    index,
    parser,
    sources: new DiskSources((file) => index.absolutePath(file)),
  });
  return { index, parser, resolver, read: (file) => fs.readFileSync(path.join(FIXTURE_ROOT, file), 'utf8') };
}
