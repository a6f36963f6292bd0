import { fileURLToPath } from 'url';
import { treeRelativePath } from '../indexing/fileScanner';

/** The tree-relative path of a document URI (through its real path: see treeRelativePath), or undefined. */
export function treeRelativePathOfUri(root: string, uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  let absolute: string;
  try {
    absolute = fileURLToPath(uri);
  } catch {
    return undefined;
  }
  return treeRelativePath(root, absolute);
}
