import type { ServerCapabilities } from 'vscode-languageserver/node';
import type { ServerContext } from './context';

/**
 * One LSP feature = one file under `lsp/features/` exporting a `ServerFeature`.
 * `capabilities` contributes to the `initialize` result; `register` installs the handlers.
 * Generic navigation features set `generic: true` so `kernelMmLens.genericNavigation: false` turns them off
 * (for users who get those from clangd) while kernel-specific features stay. Next to clangd
 * (`clangdCoexistence`), generic features answer only in files clangd has no build for, except the `wholeTree`
 * ones (workspace symbols, call hierarchy: clangd knows one configuration's translation units only).
 */
export interface ServerFeature {
  name: string;
  generic?: boolean;
  wholeTree?: boolean;
  capabilities(): Partial<ServerCapabilities>;
  register(ctx: ServerContext): void;
}
