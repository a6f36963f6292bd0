import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { exportMarkdown, exportReply, noteBodyMarkdown } from '../../server/src/notes/render';
import type { NoteView } from '../../server/src/notes/model';
import { markdownProblem, plainTextProblem, renderedText } from '../fuzz/outputSafety';

/** Issue 22: a note, its author, the file name and the quoted source line are untrusted text in every export. */
const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[run](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)',
  '[x](javascript:alert(1))',
  '![i](https://evil.example/p.png)',
  '\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 \u001b[31mred\u001b[0m \u009b2J',
  'abc\u202etxt.exe\u2066hidden\u2069',
  '```\n# heading\n    indented\n> quote',
];

function note(text: string, code: string): NoteView {
  return {
    id: 'n1',
    author: text,
    created: `2026-01-01${text}`,
    updated: '2026-01-01',
    status: 'open',
    body: `See <abc@x.org> and \`folio_put()\`; ${text}`,
    anchor: { file: `mm/${text}.c`, line: 0, symbol: `sym${text}`, signature: text, text: code, before: [], after: [] },
    replies: [{ id: 'r1', author: text, created: text, body: text }],
    location: { state: 'anchored', file: `mm/${text}.c`, line: 0, moved: false },
  };
}

const lines = (code: string) => () => [code];

test('the Markdown export of hostile notes renders no HTML element, foreign link or control character', () => {
  for (const text of HOSTILE) {
    const code = `x = 1; ${text} \`\`\`\` end`;
    const md = exportMarkdown([note(text, code)], lines(code));
    assert.equal(markdownProblem(md), undefined, `${JSON.stringify(text)} -> ${md}`);
    // The code is quoted as code: one fenced block holding the whole line, whatever backticks it has.
    assert.match(renderedText(md), /x = 1;/);
  }
  const md = exportMarkdown([note('plain', 'folio_put(folio);')], lines('folio_put(folio);'));
  assert.match(md, /```c\nfolio_put\(folio\);\n```/);
  assert.match(md, /\[\\<abc@x\.org>\]\(https:\/\/lore\.kernel\.org\/all\/abc@x\.org\/\)/);
  assert.match(md, /- Thread: <https:\/\/lore\.kernel\.org\/all\/abc@x\.org\/>/);
});

test('the plain-text reply export carries no control or bidi character', () => {
  for (const text of HOSTILE) {
    const reply = exportReply([note(text, `code ${text}`)], lines(`code ${text}`));
    assert.equal(plainTextProblem(reply), undefined, JSON.stringify(reply));
  }
  assert.match(exportReply([note('ok', 'folio_put(folio);')], lines('folio_put(folio);')), /^> mm\/ok\.c\n/);
});

test('note Markdown keeps the text around links readable', () => {
  assert.equal(
    noteBodyMarkdown('See <abc@x.org> - then `folio_put()` now'),
    'See [\\<abc@x.org>](https://lore.kernel.org/all/abc@x.org/) \\- then [`folio_put()`](command:kernelMmLens.notes.goToSymbol?%5B%22folio_put%22%5D) now',
  );
});

test('property: any note text gives exports with nothing unsafe', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 80 }), (text, code) => {
      const views = [note(text, code)];
      assert.equal(markdownProblem(exportMarkdown(views, lines(code))), undefined);
      assert.equal(plainTextProblem(exportReply(views, lines(code))), undefined);
    }),
    { seed: 22, numRuns: 500 },
  );
});
