/** Position checks shared by the fuzz targets and property tests. */

/**
 * The UTF-16 length of every line of `text`. `lspLines`: lines end at \r\n, \r or \n as LSP says; otherwise at
 * \n only, the whole-tree lexer's model (a lone \r is text to it: that difference is issue 16's, not a crash).
 */
export function lineLengths(text: string, lspLines = false): number[] {
  return text.split(lspLines ? /\r\n|\r|\n/ : '\n').map((line) => line.length);
}

/** Throws unless `position` names a place inside the document whose lines have `lines` lengths. */
export function checkPosition(lines: number[], position: { line: number; character: number }, what: string): void {
  const { line, character } = position;
  if (!Number.isInteger(line) || !Number.isInteger(character) || line < 0 || character < 0 || line >= lines.length)
    throw new Error(`${what}: ${line}:${character} is outside the document (${lines.length} lines)`);
  if (character > lines[line])
    throw new Error(`${what}: ${line}:${character} is past the end of its line (${lines[line]} characters)`);
}
