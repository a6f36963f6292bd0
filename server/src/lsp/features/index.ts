import type { ServerFeature } from '../feature';
import { definitionFeature } from './definition';
import { declarationFeature } from './declaration';
import { referencesFeature } from './references';
import { workspaceSymbolsFeature } from './workspaceSymbols';
import { callHierarchyFeature } from './callHierarchy';
import { threadsFeature } from './threads';
import { diagramsFeature } from './diagrams';
import { documentSymbolsFeature } from './documentSymbols';
import { documentHighlightFeature } from './documentHighlight';
import { inlayHintsFeature } from './inlayHints';
import { codeLensFeature } from './codeLens';
import { notesFeature } from './notes';
import { hoverFeature } from './hover';
import { diagnosticsFeature } from './diagnostics';
import { codeActionsFeature } from './codeActions';
import { completionFeature } from './completion';
import { signatureHelpFeature } from './signatureHelp';
import { changesFeature } from './changes';
import { configurationFeature } from './configuration';
import { inactiveRegionsFeature } from './inactiveRegions';
import { implementationFeature } from './implementation';
import { reviewFeature } from './review';
import { agentToolsFeature } from './agentTools';

/** Every LSP feature of the server. Add a file under lsp/features/ and list it here. */
export const features: ServerFeature[] = [
  definitionFeature,
  declarationFeature,
  referencesFeature,
  workspaceSymbolsFeature,
  callHierarchyFeature,
  threadsFeature,
  diagramsFeature,
  documentSymbolsFeature,
  documentHighlightFeature,
  inlayHintsFeature,
  codeLensFeature,
  notesFeature,
  hoverFeature,
  diagnosticsFeature,
  codeActionsFeature,
  completionFeature,
  signatureHelpFeature,
  changesFeature,
  configurationFeature,
  inactiveRegionsFeature,
  implementationFeature,
  reviewFeature,
  agentToolsFeature,
];
