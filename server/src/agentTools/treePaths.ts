import * as fs from 'fs';
import * as path from 'path';
import { ToolInputError } from './types';

/**
 * File arguments of the agent tools are paths relative to the tree root. Anything that would leave the root is
 * refused with an error: an absolute path, `..` components that climb out, a NUL, or a symbolic link (anywhere on
 * the path) whose target is outside the root. The check is on the real path, after the links are resolved.
 */
export function resolveInsideRoot(root: string, relative: unknown): { absolute: string; relative: string } {
  if (typeof relative !== 'string' || relative.trim() === '')
    throw new ToolInputError('path: give a path relative to the tree root');
  if (relative.includes('\0')) throw new ToolInputError('path: contains a NUL character');
  if (path.isAbsolute(relative) || /^[A-Za-z]:[\\/]/.test(relative) || relative.startsWith('\\'))
    throw new ToolInputError(`path: ${relative} is absolute; paths are relative to the tree root`);
  const normal = path.posix.normalize(relative.replace(/\\/g, '/'));
  if (normal === '..' || normal.startsWith('../')) throw new ToolInputError(`path: ${relative} leaves the tree root`);
  const joined = path.join(root, normal);
  let real: string;
  try {
    real = fs.realpathSync(joined);
  } catch {
    throw new ToolInputError(`path: ${relative}: no such file in the tree`);
  }
  const rootReal = fs.realpathSync(root);
  if (real !== rootReal && !real.startsWith(rootReal.endsWith(path.sep) ? rootReal : rootReal + path.sep))
    throw new ToolInputError(`path: ${relative} leaves the tree root (a symbolic link points outside it)`);
  return { absolute: real, relative: path.relative(rootReal, real).split(path.sep).join('/') };
}
