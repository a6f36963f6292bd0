// Hostile input for the untrusted-text e2e (issue 22), written for the test: a two-message mbox about
// demo_svm_fault() of test/fixtures/e2e-tree (a patch and a reply), a notes file, and a commit message. Every field
// a user sees carries HTML, an <img onerror>, Markdown links (a command: URI among them), a javascript: URL, a
// bare URL, terminal escapes, other control characters and a right-to-left override; the subject is very long.

/** Pieces the checks look for as visible, escaped text (after the control and bidi characters are gone). */
export const VISIBLE = {
  img: '<img src=x onerror=alert(1)>',
  script: '<script>alert(2)</script>',
  commandLink: '[run](command:workbench.action.terminal.new)',
  javascript: 'javascript:alert(3)',
  bareUrl: 'https://evil.example/x',
};

export const SYMBOL = 'demo_svm_fault';
export const MESSAGE_ID = 'hostile-1@evil.example';

const ESC = '\u001b';
const controls = `${ESC}[31mred${ESC}[0m ${ESC}]8;;https://evil.example/${'\u0007'}osc8${ESC}]8;;${'\u0007'} \u009b2J a\u0000b\u0008c\u007fd`;
const bidi = 'admin\u202egnp.exe\u202c \u2067hidden\u2069\u200f';

/** The subject of the patch: every hostile piece, then enough words to overflow any label. */
export const SUBJECT =
  `[PATCH] drm/demo: ${VISIBLE.img} ${VISIBLE.commandLink} ${VISIBLE.script} ${controls} ${bidi} $(zap) ` +
  'and a very long subject'.repeat(60);

const AUTHOR = `Eve ${VISIBLE.img} \u202eliam\u202c ${ESC}[7m`;

const body = [
  `Hostile body: ${VISIBLE.img} ${VISIBLE.script} ${VISIBLE.commandLink}`,
  `[click](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D) ${VISIBLE.javascript}`,
  `${VISIBLE.bareUrl} www.evil.example ${controls} ${bidi}`,
  '',
  'Signed-off-by: Eve <eve@evil.example>',
  '---',
  'diff --git a/drivers/gpu/drm/demo/demo_svm.c b/drivers/gpu/drm/demo/demo_svm.c',
  '--- a/drivers/gpu/drm/demo/demo_svm.c',
  '+++ b/drivers/gpu/drm/demo/demo_svm.c',
  '@@ -34,6 +34,7 @@ int demo_svm_fault(struct demo_svm *svm, unsigned long addr, pmd_t pmd)',
  ' {',
  `+\t/* ${VISIBLE.img} ${ESC}[2J */`,
  ' \tif (demo_svm_pmd_is_device(pmd))',
  ' \t\treturn demo_svm_atomic_begin(svm, addr);',
  ' \treturn 0;',
  ' }',
  '-- ',
  '2.47.1',
].join('\n');

export const MBOX = [
  'From mboxrd@z Thu Jan  1 00:00:00 1970',
  `From: "${AUTHOR}" <eve@evil.example>`,
  'To: linux-mm@kvack.example.org',
  `Subject: ${SUBJECT}`,
  'Date: Mon, 6 Jan 2025 09:00:00 +0000',
  `Message-ID: <${MESSAGE_ID}>`,
  'Content-Type: text/plain; charset=UTF-8',
  '',
  body,
  '',
  'From mboxrd@z Thu Jan  1 00:00:00 1970',
  `From: "Mallory ${VISIBLE.script} \u2066x\u2069" <mallory@evil.example>`,
  `Subject: Re: ${SUBJECT.slice(0, 200)}`,
  'Date: Tue, 7 Jan 2025 10:00:00 +0000',
  'Message-ID: <hostile-2@evil.example>',
  `In-Reply-To: <${MESSAGE_ID}>`,
  `References: <${MESSAGE_ID}>`,
  'Content-Type: text/plain; charset=UTF-8',
  '',
  `> ${VISIBLE.img}`,
  '',
  `Reply with ${VISIBLE.commandLink} and ${ESC}]0;new title\u0007 in demo_svm_fault().`,
  '',
].join('\n');

/** The commit that "Why is this line like this?" finds: hostile subject and author, Link: to the hostile patch. */
export const COMMIT = {
  author: `Eve ${VISIBLE.img} \u202eliam\u202c`,
  message: `${SUBJECT.slice(0, 300).replace(/\u0000/g, '')}\n\nLink: https://lore.kernel.org/r/${MESSAGE_ID}\n`,
};

/** A notes file (kernelMmLens.notesFile): a note on demo_svm_fault() and an orphaned one with a hostile file name. */
export function notesFile(demoLines) {
  const line = demoLines.findIndex((l) => l.startsWith('int demo_svm_fault('));
  const hostile = `${VISIBLE.img} ${VISIBLE.script} ${VISIBLE.commandLink} [x](${VISIBLE.javascript}) ${VISIBLE.bareUrl} ![p](https://evil.example/p.png) ${controls} ${bidi}`;
  const anchor = (file, at) => ({
    file,
    line: at,
    symbol: SYMBOL,
    lineInSymbol: 0,
    signature: demoLines[line].trim(),
    text: demoLines[line].trim(),
    before: [],
    after: [],
  });
  return {
    format: 'kernel-mm-lens-notes',
    version: 1,
    notes: [
      {
        id: 'hostile-note-1',
        author: AUTHOR,
        created: '2025-01-06T09:00:00.000Z',
        updated: '2025-01-06T09:00:00.000Z',
        status: 'open',
        body: `Note: ${hostile}\n# not a heading\n    not code`,
        anchor: anchor('drivers/gpu/drm/demo/demo_svm.c', line),
        replies: [{ id: 'hostile-reply-1', author: AUTHOR, created: '2025-01-07T09:00:00.000Z', body: hostile }],
      },
      {
        id: 'hostile-note-2',
        author: AUTHOR,
        created: '2025-01-06T09:00:00.000Z',
        updated: '2025-01-06T09:00:00.000Z',
        status: 'open',
        body: `Orphaned: ${hostile}`,
        anchor: {
          ...anchor(`drivers/${VISIBLE.img}\u202e.c`, 3),
          text: `gone ${VISIBLE.img} ${VISIBLE.commandLink}`,
        },
        replies: [],
      },
    ],
  };
}

/** Characters no sink may show raw: C0 (but tab and newline), DEL, C1, and the bidi marks/overrides/isolates. */
export const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** A C file whose kernel-doc comment is hostile (the hover shows the tree's own kernel-doc). */
export const HOSTILE_DOC_FILE = 'drivers/gpu/drm/demo/demo_hostile.c';
export const HOSTILE_DOC_SOURCE = [
  '// SPDX-License-Identifier: MIT',
  '/* Written for the untrusted-text e2e: a kernel-doc comment full of hostile text. */',
  '',
  '/**',
  ` * demo_hostile_doc() - ${VISIBLE.img} ${VISIBLE.commandLink}`,
  ` * @arg: see ${VISIBLE.bareUrl} and www.evil.com or mailto:eve@evil.example, ${VISIBLE.script}`,
  ' *',
  ` * Context: ${ESC}[31mred${ESC}[0m \u202egnp.exe\u202c`,
  ` * Return: [x](${VISIBLE.javascript}) ![p](https://evil.example/p.png) evil.com eve@evil.com`,
  ' */',
  'int demo_hostile_doc(int arg)',
  '{',
  '\treturn arg;',
  '}',
  '',
  'int demo_hostile_caller(void)',
  '{',
  '\treturn demo_hostile_doc(1);',
  '}',
  '',
].join('\n');
