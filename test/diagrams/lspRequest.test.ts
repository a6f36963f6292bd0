import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { ResponseError } from 'vscode-languageserver/node';
import { handleDiagramRequest, diagramsFeature } from '../../server/src/lsp/features/diagrams';
import { features } from '../../server/src/lsp/features';
import { DEFAULT_SETTINGS, Requests } from '../../protocol';
import type { ServerContext } from '../../server/src/lsp/context';
import type { KernelIndex } from '../../server/src/indexing/types';
import { indexFixture } from './fixtureIndex';
import { kernelVersionResolver } from '../../server/src/lsp/settings';
import { MakefileVersion } from '../../server/src/base/kernelVersion';

const root = path.join(__dirname, '..', 'fixtures', 'diagrams', 'tree-6.15');

/** The parts of ServerContext the diagram feature uses; the rest fails loudly if touched. */
function context(index: KernelIndex | undefined, kernelVersion = ''): ServerContext {
  const handlers = new Map<string, (params: unknown) => unknown>();
  const connection = {
    onRequest: (type: { method: string }, handler: (params: unknown) => unknown) => {
      handlers.set(type.method, handler);
    },
  };
  return {
    connection: connection as unknown as ServerContext['connection'],
    root,
    settings: () => ({ ...DEFAULT_SETTINGS, kernelVersion }),
    kernelVersion: kernelVersionResolver(
      () => ({ ...DEFAULT_SETTINGS, kernelVersion }),
      new MakefileVersion(() => root),
    ),
    currentIndex: () => index,
    treeChanges: () => undefined,
    uriOfRelativePath: (file: string) => pathToFileURL(path.join(root, file)).href,
    log: () => undefined,
    handlers,
  } as unknown as ServerContext;
}

describe('kernelMmLens/diagram request', () => {
  let index: KernelIndex;
  before(async () => {
    index = (await indexFixture(root)).index;
  });

  it('is registered as a kernel-specific (not generic) feature answering both requests', () => {
    assert.ok(features.includes(diagramsFeature));
    assert.notEqual(diagramsFeature.generic, true);
    const ctx = context(index);
    diagramsFeature.register(ctx);
    const handlers = (ctx as unknown as { handlers: Map<string, (p: unknown) => unknown> }).handlers;
    assert.deepEqual([...handlers.keys()].sort(), [Requests.diagram.method, Requests.listDiagrams.method].sort());
    const list = handlers.get(Requests.listDiagrams.method)!(undefined) as Array<{ id: string }>;
    assert.ok(list.some((item) => item.id === 'zone-device-refcount'));
  });

  it('resolves steps to file URIs and ranges through the index, highlighting the requested symbol', () => {
    const result = handleDiagramRequest(context(index), { symbol: 'remove_device_exclusive_entry' });
    assert.equal(result.id, 'device-exclusive');
    assert.equal(result.variant, 'folio-walk-6.15');
    assert.equal(result.unresolved, undefined);
    const revoke = result.steps.find((step) => step.id === 'revoke')!;
    assert.equal(revoke.highlighted, true);
    assert.equal(revoke.location!.uri, pathToFileURL(path.join(root, 'mm/memory.c')).href);
    const cpuFault = result.steps.find((step) => step.id === 'cpu-fault')!;
    // `at: remove_device_exclusive_entry` inside do_swap_page: the call line, not the definition.
    assert.equal(cpuFault.location!.range.start.line, 84); // line 85, 1-based
    assert.equal(revoke.source.url, 'https://lore.kernel.org/all/20250226132257.2826043-6-david%40redhat.com/');
    assert.ok(result.svg.includes('remove_device_exclusive_entry()'));
  });

  it('the kernelVersion setting does not override what the code shows', () => {
    const result = handleDiagramRequest(context(index, '6.10'), { id: 'device-private-fault' });
    assert.equal(result.variant, 'page-lock-6.15');
    assert.match(result.variantReason, /do_swap_page \(mm\/memory\.c\) calls trylock_page/);
  });

  it('answers before the index is ready, choosing the variant from the files the rules name', () => {
    const result = handleDiagramRequest(context(undefined), { id: 'device-exclusive' });
    assert.equal(result.unresolved, true);
    assert.equal(result.variant, 'folio-walk-6.15');
    assert.ok(result.steps.every((step) => step.location === undefined));
  });

  it('rejects unknown diagrams and junk params with InvalidParams', () => {
    assert.throws(
      () => handleDiagramRequest(context(index), { id: 'nope' }),
      (error: unknown) => error instanceof ResponseError && /no diagram 'nope'/.test(error.message),
    );
    assert.throws(
      () => handleDiagramRequest(context(index), { id: 42, symbol: { x: 1 } } as never),
      (error: unknown) => error instanceof ResponseError && /give a diagram id or a symbol/.test(error.message),
    );
  });
});
