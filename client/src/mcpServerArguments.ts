import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { KernelMmLensSettings } from '../../protocol';

/**
 * The arguments of `kernel-mm-lens mcp` as the extension registers it for VS Code's agents (features/mcpServerDefinition.ts):
 * the tree, the editor's index cache, the mail sources and lore externals of the settings, and the kernel configuration
 * and architecture the editor answers for (the status bar's choice, `kernelMmLens.kernelConfig`/`arch`), so an agent's
 * call hierarchy and definitions are ordered as the editor's. A configuration file that is not there is given as `all`:
 * the language server then shows all configurations too, and the MCP server would refuse to start on a missing file.
 */
export function mcpServerArguments(
  settings: Pick<KernelMmLensSettings, 'mailSources' | 'loreExternals' | 'kernelConfig' | 'arch'>,
  root: string,
  serverJs: string,
  cacheDir: string,
  exists: (file: string) => boolean = fs.existsSync,
): string[] {
  const args = [
    serverJs,
    'mcp',
    '--root',
    root,
    // the language server's index cache folder: a warm start reads the same cache
    '--cache-dir',
    cacheDir,
    ...(settings.mailSources ?? []).flatMap((mail) => ['--mail', localPath(mail, root)]),
    ...(settings.loreExternals ?? []).flatMap((external) => [
      '--external',
      /^https?:\/\//i.test(external) ? external : localPath(external, root),
    ]),
  ];
  const config = (settings.kernelConfig ?? '').trim();
  if (config === 'all') args.push('--config', 'all');
  else if (config) args.push('--config', exists(localPath(config, root)) ? localPath(config, root) : 'all');
  const arch = (settings.arch ?? '').trim();
  if (arch) args.push('--arch', arch);
  return args;
}

/** `~/x` and tree-relative paths of the settings as absolute paths, as the language server reads them. */
export function localPath(value: string, root: string): string {
  const trimmed = value.trim();
  if (trimmed === '~' || trimmed.startsWith('~/')) return path.join(os.homedir(), trimmed.slice(1));
  return path.resolve(root, trimmed);
}
