import type { ServerCapabilities } from 'vscode-languageserver/node';
import type { ServerContext } from './context';

/**
 * One LSP feature = one file under `lsp/features/` exporting a `ServerFeature`.
 * `capabilities` contributes to the `initialize` result; `register` installs the handlers.
 * Generic navigation features set `generic: true` so `kernelMmLens.genericNavigation: false` turns them off
 * (for users who get those from clangd) while kernel-specific features stay.
 */
export interface ServerFeature {
  name: string;
  generic?: boolean;
  capabilities(): Partial<ServerCapabilities>;
  register(ctx: ServerContext): void;
}
