import { ConfigurationService } from '../../server/src/configuration/configurationService';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  DiagnosticSeverity,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { DEFAULT_SETTINGS, Requests, type KernelMmLensSettings, type LintWorkspaceResult } from '../../protocol';
import { features } from '../../server/src/lsp/features';
import { diagnosticsFeature } from '../../server/src/lsp/features/diagnostics';
import { codeActionsFeature, FIX_ALL_KIND } from '../../server/src/lsp/features/codeActions';
import type { ServerContext } from '../../server/src/lsp/context';
import type { Definition, KernelIndex } from '../../server/src/indexing/types';
import { kernelVersionResolver } from '../../server/src/lsp/settings';
import { MakefileVersion } from '../../server/src/base/kernelVersion';

const fixtures = path.join(__dirname, '..', 'fixtures', 'lint');

/** A ServerContext with an in-memory document store and a recording connection. */
function harness(root: string, settings: Partial<KernelMmLensSettings> = {}, index?: Partial<KernelIndex>) {
  const documents = new Map<string, TextDocument>();
  const changeListeners: Array<(d: TextDocument) => void> = [];
  const closeListeners: Array<(d: TextDocument) => void> = [];
  const settingsListeners: Array<(s: KernelMmLensSettings) => void> = [];
  const published: PublishDiagnosticsParams[] = [];
  const requests = new Map<string, (params: unknown, token: unknown) => unknown>();
  let codeAction: ((params: CodeActionParams, token: unknown) => CodeAction[]) | undefined;
  let current: KernelMmLensSettings = {
    ...DEFAULT_SETTINGS,
    ...settings,
    missingReleaseCheck: false,
  };
  const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
  // Work-done progress as the server reports it: every call in order, on the token it was attached to or created.
  const progress: Array<{ token: string | number; call: string; args: unknown[] }> = [];
  const progressToken = { isCancellationRequested: false };
  const reporter = (id: string | number, withToken: boolean) => ({
    begin: (...args: unknown[]) => {
      progress.push({ token: id, call: 'begin', args });
    },
    report: (...args: unknown[]) => {
      progress.push({ token: id, call: 'report', args });
    },
    done: () => {
      progress.push({ token: id, call: 'done', args: [] });
    },
    ...(withToken ? { token: progressToken } : {}),
  });
  const ctx = {
    connection: {
      window: {
        attachWorkDoneProgress: (id: string | number | undefined) => reporter(id ?? 'none', false),
        createWorkDoneProgress: async () => reporter('server-created', true),
      },
      sendDiagnostics: async (params: PublishDiagnosticsParams) => {
        published.push(params);
      },
      onRequest: (type: { method: string }, handler: (params: unknown, token: unknown) => unknown) => {
        requests.set(type.method, handler);
      },
      onCodeAction: (handler: typeof codeAction) => {
        codeAction = handler;
      },
    },
    documents: {
      get: (uri: string) => documents.get(uri),
      all: () => [...documents.values()],
      tree: async () => undefined,
      onDidChangeContent: (listener: (d: TextDocument) => void) => {
        changeListeners.push(listener);
      },
      onDidClose: (listener: (d: TextDocument) => void) => {
        closeListeners.push(listener);
      },
    },
    root,
    settings: () => current,
    kernelVersion: kernelVersionResolver(() => current, new MakefileVersion(() => root)),
    onSettingsChanged: (listener: (s: KernelMmLensSettings) => void) => {
      settingsListeners.push(listener);
    },
    currentIndex: () => index as KernelIndex | undefined,
    waitForIndex: async () => index as KernelIndex | undefined,
    onIndexReady: () => undefined,
    relativePathOfUri: () => undefined,
    uriOfRelativePath: (file: string) => pathToFileURL(path.join(root, file)).toString(),
    log: () => undefined,
    // No configuration chosen: every branch is live, as before issue 24.
    configuration: new ConfigurationService(),
  } as unknown as ServerContext;
  diagnosticsFeature.register(ctx);
  codeActionsFeature.register(ctx);
  const open = (name: string, text: string, languageId = 'c', version = 1) => {
    const document = TextDocument.create(pathToFileURL(path.join(root, name)).toString(), languageId, version, text);
    documents.set(document.uri, document);
    for (const listener of changeListeners) listener(document);
    return document;
  };
  const close = (document: TextDocument) => {
    documents.delete(document.uri);
    for (const listener of closeListeners) listener(document);
  };
  const setSettings = (next: Partial<KernelMmLensSettings>) => {
    current = { ...current, ...next };
    for (const l of settingsListeners) l(current);
  };
  /** Waits (no timing assertion) until a publication for `uri` arrives, returning the latest. */
  const publishedFor = async (uri: string, count = 1): Promise<PublishDiagnosticsParams> => {
    for (let i = 0; i < 200; i++) {
      const mine = published.filter((p) => p.uri === uri);
      if (mine.length >= count) return mine[mine.length - 1];
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no diagnostics published for ${uri}`);
  };
  const actions = (document: TextDocument, diagnostic: Diagnostic | undefined, only?: string[]) =>
    codeAction!(
      {
        textDocument: { uri: document.uri },
        range: diagnostic?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: diagnostic ? [diagnostic] : [], only },
      },
      token,
    );
  return { ctx, open, close, setSettings, published, publishedFor, actions, requests, token, progress, progressToken };
}

const definition = (name: string, file: string, line: number): Definition => ({
  name,
  kind: 'function-macro',
  file,
  nameRange: { start: { line, character: 8 }, end: { line, character: 8 + name.length } },
  range: { start: { line, character: 0 }, end: { line, character: 40 } },
});

describe('lint diagnostics (LSP push)', () => {
  it('both lint features are registered as kernel-specific features', () => {
    assert.ok(features.includes(diagnosticsFeature));
    assert.ok(features.includes(codeActionsFeature));
    assert.notEqual(diagnosticsFeature.generic, true);
    assert.deepEqual(codeActionsFeature.capabilities(), {
      codeActionProvider: { codeActionKinds: ['quickfix', FIX_ALL_KIND] },
    });
  });

  it('old tree: Information without a Deprecated tag, rule code, lore link, one related replacement', async () => {
    const index = {
      findDefinitions: (name: string) =>
        name === 'pmd_trans_huge' ? [definition(name, 'include/linux/pgtable.h', 41)] : [],
    };
    const h = harness(path.join(fixtures, 'old-tree'), {}, index);
    const document = h.open('mm/edit.c', 'int f(pmd_t p) { return pmd_devmap(p); }\n');
    const { diagnostics, version } = await h.publishedFor(document.uri);
    assert.equal(version, 1);
    assert.equal(diagnostics.length, 1);
    const [d] = diagnostics;
    assert.deepEqual(d.range, { start: { line: 0, character: 24 }, end: { line: 0, character: 34 } });
    // listed in the Problems view (hints are not), and not struck through: the API is current in this tree
    assert.equal(d.severity, DiagnosticSeverity.Information);
    assert.equal(d.tags, undefined);
    assert.equal(d.code, 'removed-api');
    assert.equal(d.source, 'kernel-mm-lens');
    assert.match(d.message as string, /removed upstream in 6\.17; when forward-porting/);
    assert.match(d.codeDescription!.href, /^https:\/\/lore\.kernel\.org\/all\/cover\.1769/);
    assert.deepEqual(d.relatedInformation, [
      {
        location: {
          uri: pathToFileURL(path.join(fixtures, 'old-tree', 'include/linux/pgtable.h')).toString(),
          range: { start: { line: 41, character: 8 }, end: { line: 41, character: 22 } },
        },
        message: 'replacement pmd_trans_huge is defined here',
      },
    ]);
  });

  it('lintTargetVersion turns the same use into an Error; only the latest of quick edits is published', async () => {
    const h = harness(path.join(fixtures, 'old-tree'), { lintTargetVersion: '6.17' });
    const first = h.open('mm/edit.c', 'int f(pmd_t p) { return pmd_devmap(p); }\n', 'c', 1);
    h.open('mm/edit.c', 'int f(pmd_t p) { return pmd_devmap(p) + pte_devmap(q); }\n', 'c', 2);
    const latest = await h.publishedFor(first.uri);
    assert.equal(h.published.filter((p) => p.uri === first.uri).length, 1);
    assert.equal(latest.version, 2);
    assert.deepEqual(
      latest.diagnostics.map((d) => [d.severity, d.tags]),
      [
        [DiagnosticSeverity.Error, undefined],
        [DiagnosticSeverity.Error, undefined],
      ],
    );
    h.setSettings({ lintSeverity: { 'removed-api': 'off' } });
    assert.deepEqual((await h.publishedFor(first.uri, 2)).diagnostics, []);
  });

  it('Kconfig documents are linted by name; other documents get no lint; closing clears', async () => {
    const h = harness(path.join(fixtures, 'new-tree'));
    const kconfig = h.open('arch/x86/Kconfig', 'config X86\n\tselect ARCH_HAS_PTE_DEVMAP if X86_64\n', 'kconfig');
    assert.deepEqual(
      (await h.publishedFor(kconfig.uri)).diagnostics.map((d) => [d.range.start.line, d.severity]),
      [[1, DiagnosticSeverity.Error]],
    );
    const notes = h.open('notes.md', 'pmd_devmap(x)\n', 'markdown');
    assert.deepEqual((await h.publishedFor(notes.uri)).diagnostics, []);
    h.close(kconfig);
    assert.deepEqual((await h.publishedFor(kconfig.uri, 2)).diagnostics, []);
  });

  it('kernelMmLens/lintWorkspace returns findings grouped by file URI', async () => {
    const root = path.join(fixtures, 'new-tree');
    const h = harness(root);
    const result = (await h.requests.get(Requests.lintWorkspace.method)!({}, h.token)) as LintWorkspaceResult;
    assert.deepEqual(
      result.files.map((f) => [f.uri, f.diagnostics.length]),
      [
        [pathToFileURL(path.join(root, 'mm', 'Kconfig')).toString(), 1],
        [pathToFileURL(path.join(root, 'mm', 'sample.c')).toString(), 3],
      ],
    );
    assert.equal(result.findings, 4);
    assert.equal(result.scanned, 3);
    assert.equal(result.cancelled, false);
  });

  it('kernelMmLens/lintWorkspace reports work-done progress: on the client token when given, else on its own', async () => {
    const root = path.join(fixtures, 'new-tree');
    const h = harness(root);
    await h.requests.get(Requests.lintWorkspace.method)!({ workDoneToken: 'client-1' }, h.token);
    assert.deepEqual(
      h.progress.map((p) => p.token),
      h.progress.map(() => 'client-1'),
    );
    assert.deepEqual(h.progress[0], {
      token: 'client-1',
      call: 'begin',
      args: ['Kernel MM Lens: linting the workspace', 0, 'finding files', true],
    });
    assert.deepEqual(h.progress.at(-1), { token: 'client-1', call: 'done', args: [] });
    const last = h.progress.at(-2)!;
    assert.deepEqual(last, { token: 'client-1', call: 'report', args: [100, '3 of 3 files checked'] });
    h.progress.length = 0;
    await h.requests.get(Requests.lintWorkspace.method)!({}, h.token);
    assert.deepEqual(
      [h.progress[0].token, h.progress[0].call, h.progress.at(-1)!.call],
      ['server-created', 'begin', 'done'],
    );
  });

  it('kernelMmLens/lintWorkspace stops when the editor cancels its progress, and says so', async () => {
    const root = path.join(fixtures, 'new-tree');
    const h = harness(root);
    h.progressToken.isCancellationRequested = true;
    const result = (await h.requests.get(Requests.lintWorkspace.method)!({}, h.token)) as LintWorkspaceResult;
    assert.equal(result.cancelled, true);
    assert.deepEqual(result.files, []);
    assert.deepEqual(
      h.progress.map((p) => p.call),
      ['begin', 'done'],
    );
  });
});

describe('lint code actions', () => {
  const fixes = path.join(fixtures, 'fixes');
  const text = fs.readFileSync(path.join(fixes, 'drop-disjunct.c'), 'utf8');

  async function setup() {
    const h = harness(path.join(fixtures, 'new-tree'));
    const document = h.open('mm/fix.c', text);
    const { diagnostics } = await h.publishedFor(document.uri);
    return { h, document, diagnostics };
  }

  it('a quick fix per mechanical finding, applied through the LSP edit', async () => {
    const { h, document, diagnostics } = await setup();
    const onLine3 = diagnostics.find((d) => d.range.start.line === 2)!;
    const actions = h.actions(document, onLine3);
    const quick = actions.find((a) => a.isPreferred)!;
    assert.equal(quick.title, 'Drop the `pmd_devmap()` test: `pmd_trans_huge()` covers it');
    assert.equal(quick.kind, 'quickfix');
    assert.deepEqual(quick.diagnostics, [onLine3]);
    const after = TextDocument.applyEdits(document, quick.edit!.changes![document.uri]);
    assert.equal(after.split('\n')[2], '\tif (pmd_trans_huge(*pmd))');
    assert.ok(
      actions.some(
        (a) => a.kind === 'quickfix' && /^Fix all removed-API uses in this file \(6 mechanical edits\)$/.test(a.title),
      ),
    );
  });

  it('a lone test gets a disabled action that explains, not an edit', async () => {
    const { h, document, diagnostics } = await setup();
    const lone = diagnostics.find((d) => d.range.start.line === 17)!;
    const [action] = h.actions(document, lone);
    assert.equal(action.edit, undefined);
    assert.match(action.title, /^No automatic fix for `pmd_devmap\(\)`/);
    assert.match(action.disabled!.reason, /what a lone `pmd_devmap\(\)` test should become depends on/);
  });

  it('source.fixAll gives the whole-file rewrite; unrelated kinds get nothing', async () => {
    const { h, document } = await setup();
    const [fixAll] = h.actions(document, undefined, ['source.fixAll']);
    assert.equal(fixAll.kind, FIX_ALL_KIND);
    assert.equal(
      TextDocument.applyEdits(document, fixAll.edit!.changes![document.uri]),
      fs.readFileSync(path.join(fixes, 'drop-disjunct.expected.c'), 'utf8'),
    );
    assert.deepEqual(h.actions(document, undefined, ['source.organizeImports']), []);
  });
});

describe('lint code actions on a 6.12 tree (pXd_trans_huge excludes devmap before 6.17)', () => {
  // The shape of 6.12's x86 pud_trans_huge_lock(): dropping `|| pud_devmap()` there would stop taking the PUD
  // lock for DAX PUDs, so no edit may be offered unless the user says the code is meant for 6.17 or later.
  const text = [
    'static inline spinlock_t *pud_lock_fixture(pud_t *pud, struct vm_area_struct *vma)',
    '{',
    '\tif (pud_trans_huge(*pud) || pud_devmap(*pud))',
    '\t\treturn __pud_trans_huge_lock(pud, vma);',
    '\tif (pmd_trans_huge(*(pmd_t *)pud) || pmd_devmap(*(pmd_t *)pud))',
    '\t\treturn NULL;',
    '\treturn NULL;',
    '}',
    '',
  ].join('\n');

  async function setup(settings: Partial<KernelMmLensSettings>) {
    const h = harness(path.join(fixtures, 'old-tree'), { kernelVersion: '6.12', ...settings });
    const document = h.open('arch/x86/include/asm/pgtable.h', text);
    const { diagnostics } = await h.publishedFor(document.uri);
    return { h, document, diagnostics };
  }

  it('no quick fix, no fix-all and no source.fixAll edit for the devmap tests; the action says why', async () => {
    const { h, document, diagnostics } = await setup({});
    const pud = diagnostics.find(
      (d) => d.range.start.line === 2 && /pud_devmap/.test(typeof d.message === 'string' ? d.message : d.message.value),
    );
    assert.ok(pud, JSON.stringify(diagnostics));
    const actions = h.actions(document, pud);
    assert.ok(actions.length > 0);
    assert.ok(
      actions.every((a) => a.edit === undefined),
      JSON.stringify(actions.map((a) => a.title)),
    );
    assert.ok(!actions.some((a) => /^Fix all/.test(a.title)));
    assert.match(actions[0].disabled?.reason ?? '', /No automatic fix for 6\.12/);
    assert.deepEqual(h.actions(document, undefined, ['source.fixAll']), []);
  });

  it('lintTargetVersion 6.17 (forward-porting): the fix is offered and its title names the premise', async () => {
    const { h, document, diagnostics } = await setup({ lintTargetVersion: '6.17' });
    const pud = diagnostics.find(
      (d) => d.range.start.line === 2 && /pud_devmap/.test(typeof d.message === 'string' ? d.message : d.message.value),
    )!;
    const quick = h.actions(document, pud).find((a) => a.edit)!;
    assert.match(quick.title, /for 6\.17 and later/);
    const after = TextDocument.applyEdits(document, quick.edit!.changes![document.uri]);
    assert.equal(after.split('\n')[2], '\tif (pud_trans_huge(*pud))');
  });
});
