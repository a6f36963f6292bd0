import type { ClientContext } from '../clientContext';
import * as trust from './trust';
import * as statusBar from './statusBar';
import * as lintTarget from './lintTarget';
import * as commands from './commands';
import * as diagramPanel from './diagramPanel';
import * as notes from './notes';
import * as threads from './threads';
import * as clangdCoexistence from './clangdCoexistence';
import * as changesView from './changesView';
import * as inactiveCode from './inactiveCode';
import * as kernelConfiguration from './kernelConfiguration';
import * as reviewPatch from './reviewPatch';
import * as languageModelTools from './languageModelTools';
import * as mcpServerDefinition from './mcpServerDefinition';

/** A client feature: one file under client/src/features/, wiring one part of VS Code to the server. */
export interface ClientFeature {
  activate(ctx: ClientContext): void | Promise<void>;
}

/**
 * Every client feature, activated in this order; one failing feature is logged and does not stop the others.
 * To add one: `import * as <name> from './<name>';` above and `<name>,` below.
 */
export const features: Record<string, ClientFeature> = {
  trust,
  statusBar,
  lintTarget,
  commands,
  diagramPanel,
  notes,
  threads,
  clangdCoexistence,
  changesView,
  inactiveCode,
  kernelConfiguration,
  reviewPatch,
  languageModelTools,
  mcpServerDefinition,
};
