import type { ServerFeature } from '../feature';

/** Every LSP feature of the server. Add a file under lsp/features/ and list it here. */
export const features: ServerFeature[] = [
];
