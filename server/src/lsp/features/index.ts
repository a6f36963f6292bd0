import type { ServerFeature } from '../feature';
import { threadsFeature } from './threads';
import { diagramsFeature } from './diagrams';

/** Every LSP feature of the server. Add a file under lsp/features/ and list it here. */
export const features: ServerFeature[] = [
  threadsFeature,
  diagramsFeature,
];
