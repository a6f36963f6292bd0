import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfigurationStatusNotification,
  InactiveRegionsNotification,
  IndexStatusNotification,
  Requests,
} from '../../protocol';

// The method names are a wire contract with every LSP client, not only ours (Neovim users call them by name:
// docs/neovim.md), so they are spelled out here once: renaming one must be a deliberate change.
test('the custom requests and notification keep their wire names', () => {
  assert.equal(IndexStatusNotification.method, 'kernelMmLens/indexStatus');
  assert.equal(ConfigurationStatusNotification.method, 'kernelMmLens/configurationStatus');
  // clangd's extension, so editors that paint clangd's inactive regions paint ours.
  assert.equal(InactiveRegionsNotification.method, 'textDocument/inactiveRegions');
  assert.deepEqual(Object.fromEntries(Object.entries(Requests).map(([key, type]) => [key, type.method])), {
    rebuildIndex: 'kernelMmLens/rebuildIndex',
    indexStatus: 'kernelMmLens/getIndexStatus',
    cancelIndexing: 'kernelMmLens/cancelIndexing',
    lintWorkspace: 'kernelMmLens/lintWorkspace',
    threadsForSymbol: 'kernelMmLens/threadsForSymbol',
    threadDocument: 'kernelMmLens/threadDocument',
    blameLine: 'kernelMmLens/blameLine',
    searchLoreExternals: 'kernelMmLens/searchLoreExternals',
    diagram: 'kernelMmLens/diagram',
    listDiagrams: 'kernelMmLens/listDiagrams',
    notesList: 'kernelMmLens/notes/list',
    notesAdd: 'kernelMmLens/notes/add',
    notesReply: 'kernelMmLens/notes/reply',
    notesResolve: 'kernelMmLens/notes/resolve',
    notesDelete: 'kernelMmLens/notes/delete',
    notesExport: 'kernelMmLens/notes/export',
    treeChanges: 'kernelMmLens/treeChanges',
    configurationStatus: 'kernelMmLens/getConfigurationStatus',
    configurationChoices: 'kernelMmLens/configurationChoices',
    reviewPatch: 'kernelMmLens/reviewPatch',
    agentTool: 'kernelMmLens/agentTool',
  });
});
