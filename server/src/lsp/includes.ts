import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position } from 'vscode-languageserver/node';
import * as fs from 'fs';
import type { KernelIndex } from '../indexing/types';

/**
 * `#include <linux/mm.h>` under the cursor: the tree files it can mean (include/, arch include dirs,
 * uapi, and for "local.h" the including file's folder). Without a build there is no -I list, so every
 * candidate that exists is offered, generic first.
 */
export function resolveInclude(
  document: TextDocument,
  position: Position,
  index: KernelIndex,
  currentFile: string | undefined,
): string[] | undefined {
  const line = document.getText({
    start: { line: position.line, character: 0 },
    end: { line: position.line + 1, character: 0 },
  });
  const match = /^\s*#\s*include(?:_next)?\s*([<"])([^>"]+)[>"]/.exec(line);
  if (!match) return undefined;
  const header = match[2].trim();
  const candidates: string[] = [];
  if (match[1] === '"') {
    if (currentFile) candidates.push(`${currentFile.slice(0, currentFile.lastIndexOf('/') + 1)}${header}`);
  }
  candidates.push(
    `include/${header}`,
    `include/uapi/${header}`,
    `arch/x86/include/${header}`,
    `arch/x86/include/uapi/${header}`,
  );
  const archDir = index.absolutePath('arch');
  try {
    for (const arch of fs.readdirSync(archDir).sort())
      if (arch !== 'x86') candidates.push(`arch/${arch}/include/${header}`);
  } catch {
    /* not a full tree */
  }
  const existing = candidates
    .map((file) => file.replace(/\/\.\//g, '/'))
    .filter((file) => fs.existsSync(index.absolutePath(file)));
  return existing.length > 0 ? [...new Set(existing)] : undefined;
}
