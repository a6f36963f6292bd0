import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { Requests, type NoteWire } from '../../../protocol';
import { plainTextLabel } from '../../../protocol/untrustedText';
import type { ClientContext } from '../clientContext';

/**
 * Review notes through VS Code's Comments API. The server owns the notes (kernelMmLens/notes/* requests):
 * this file only shows them as comment threads and turns the comment UI's actions into requests.
 * Thread contextValue is `kernelMmLensNote-open` / `kernelMmLensNote-resolved` / `kernelMmLensNote-orphaned`
 * so package.json menus can show Resolve / Reopen / Delete on the right threads.
 */
const NotesCommands = {
  create: 'kernelMmLens.notes.create',
  reply: 'kernelMmLens.notes.reply',
  resolve: 'kernelMmLens.notes.resolve',
  reopen: 'kernelMmLens.notes.reopen',
  delete: 'kernelMmLens.notes.delete',
  export: 'kernelMmLens.notes.export',
  refresh: 'kernelMmLens.notes.refresh',
  goToSymbol: 'kernelMmLens.notes.goToSymbol',
} as const;

class NoteComment implements vscode.Comment {
  mode = vscode.CommentMode.Preview;
  constructor(
    public body: vscode.MarkdownString,
    public author: vscode.CommentAuthorInformation,
    public timestamp: Date | undefined,
    public contextValue: string,
  ) {}
}

function markdown(text: string): vscode.MarkdownString {
  // The server escaped the user's text; only our go-to-symbol command may run from a link.
  const md = new vscode.MarkdownString(text);
  md.isTrusted = { enabledCommands: [NotesCommands.goToSymbol] };
  return md;
}

function dateOf(iso: string): Date | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function activate(ctx: ClientContext): void {
  const controller = vscode.comments.createCommentController('kernelMmLens.notes', 'Kernel MM Lens review notes');
  ctx.subscribe(controller);
  controller.options = {
    prompt: 'Add a review note',
    placeHolder: 'Note (cite threads as <Message-ID>, symbols as `name()`)',
  };
  controller.commentingRangeProvider = {
    provideCommentingRanges: (document) =>
      document.uri.scheme === 'file' && document.languageId === 'c'
        ? [new vscode.Range(0, 0, Math.max(0, document.lineCount - 1), 0)]
        : [],
  };
  const threads = new Map<string, vscode.CommentThread>();
  const noteOfThread = new WeakMap<vscode.CommentThread, string>();

  function uriOf(note: NoteWire): vscode.Uri | undefined {
    if (note.uri) return vscode.Uri.parse(note.uri);
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder ? vscode.Uri.joinPath(folder.uri, note.file) : undefined;
  }

  function show(note: NoteWire): void {
    threads.get(note.id)?.dispose();
    const uri = uriOf(note);
    if (!uri) return;
    const orphaned = note.state === 'orphaned';
    const line = orphaned ? 0 : note.line;
    const comments = [
      new NoteComment(
        markdown(
          orphaned
            ? `${note.bodyMarkdown}\n\n*Orphaned: the code is gone. Last known line:* \`${note.lastKnownText.replace(/`/g, "'")}\``
            : note.bodyMarkdown,
        ),
        { name: plainTextLabel(note.author, 80) },
        dateOf(note.created),
        'kernelMmLensNote',
      ),
      ...note.replies.map(
        (reply) =>
          new NoteComment(
            markdown(reply.bodyMarkdown),
            { name: plainTextLabel(reply.author, 80) },
            dateOf(reply.created),
            'kernelMmLensNoteReply',
          ),
      ),
    ];
    const thread = controller.createCommentThread(uri, new vscode.Range(line, 0, line, 0), comments);
    thread.label = plainTextLabel(`${note.symbol ? `${note.symbol}() · ` : ''}${orphaned ? 'orphaned' : note.status}`);
    thread.contextValue = orphaned ? 'kernelMmLensNote-orphaned' : `kernelMmLensNote-${note.status}`;
    thread.state =
      note.status === 'resolved' ? vscode.CommentThreadState.Resolved : vscode.CommentThreadState.Unresolved;
    thread.canReply = true;
    thread.collapsibleState =
      note.status === 'resolved'
        ? vscode.CommentThreadCollapsibleState.Collapsed
        : vscode.CommentThreadCollapsibleState.Expanded;
    threads.set(note.id, thread);
    noteOfThread.set(thread, note.id);
  }

  async function refresh(): Promise<void> {
    if (ctx.client.state !== State.Running) return;
    try {
      const result = await ctx.client.sendRequest(Requests.notesList, {});
      const seen = new Set(result.notes.map((n) => n.id));
      for (const [id, thread] of threads)
        if (!seen.has(id)) {
          thread.dispose();
          threads.delete(id);
        }
      for (const note of result.notes) show(note);
      if (result.problem)
        void vscode.window.showWarningMessage(plainTextLabel(`Kernel MM Lens notes: ${result.problem}`, 500));
    } catch (err) {
      ctx.output.appendLine(`notes: cannot list notes: ${String(err)}`);
    }
  }

  async function submit(reply: vscode.CommentReply | undefined): Promise<void> {
    // Run from elsewhere than a comment box (a keybinding, another extension): there is no text to save. Open the
    // comment box on the current line instead of failing.
    if (!reply?.thread) {
      const editor = vscode.window.activeTextEditor;
      if (editor?.document.uri.scheme === 'file' && editor.document.languageId === 'c')
        await vscode.commands.executeCommand('workbench.action.addComment');
      else
        void vscode.window.showInformationMessage(
          'Kernel MM Lens: review notes are written in the comment box of a C file line (the + in the gutter).',
        );
      return;
    }
    const id = noteOfThread.get(reply.thread);
    try {
      const note = id
        ? await ctx.client.sendRequest(Requests.notesReply, { id, body: reply.text })
        : await ctx.client.sendRequest(Requests.notesAdd, {
            uri: reply.thread.uri.toString(),
            line: reply.thread.range?.start.line ?? 0,
            body: reply.text,
            symbol: symbolAt(reply.thread),
          });
      if (!id) reply.thread.dispose(); // the server's thread (with its anchor) replaces the draft
      show(note);
    } catch (err) {
      void vscode.window.showErrorMessage(`Kernel MM Lens: the note was not saved: ${String(err)}`);
    }
  }

  async function setResolved(thread: vscode.CommentThread | undefined, resolved: boolean): Promise<void> {
    const id = thread && noteOfThread.get(thread);
    if (!id) return;
    try {
      show(await ctx.client.sendRequest(Requests.notesResolve, { id, resolved }));
    } catch (err) {
      void vscode.window.showErrorMessage(`Kernel MM Lens: ${String(err)}`);
    }
  }

  ctx.registerCommand(NotesCommands.create, submit);
  ctx.registerCommand(NotesCommands.reply, submit);
  ctx.registerCommand(NotesCommands.resolve, (thread?: vscode.CommentThread) => setResolved(thread, true));
  ctx.registerCommand(NotesCommands.reopen, (thread?: vscode.CommentThread) => setResolved(thread, false));
  ctx.registerCommand(NotesCommands.delete, async (thread?: vscode.CommentThread) => {
    const id = thread && noteOfThread.get(thread);
    if (!thread || !id) {
      thread?.dispose();
      return;
    }
    const answer = await vscode.window.showWarningMessage(
      'Delete this review note and its replies?',
      { modal: true },
      'Delete',
    );
    if (answer !== 'Delete') return;
    try {
      await ctx.client.sendRequest(Requests.notesDelete, { id });
      thread.dispose();
      threads.delete(id);
    } catch (err) {
      void vscode.window.showErrorMessage(`Kernel MM Lens: ${String(err)}`);
    }
  });
  ctx.registerCommand(NotesCommands.export, async () => {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Markdown', format: 'markdown' as const, description: 'all notes with quoted code and thread links' },
        {
          label: 'Review reply',
          format: 'reply' as const,
          description: 'plain text: "> " quoted code, then the note (open notes only)',
        },
      ],
      { placeHolder: 'Export review notes as' },
    );
    if (!pick) return;
    const { text } = await ctx.client.sendRequest(Requests.notesExport, { format: pick.format });
    const document = await vscode.workspace.openTextDocument({
      content: text,
      language: pick.format === 'markdown' ? 'markdown' : 'plaintext',
    });
    await vscode.window.showTextDocument(document);
  });
  ctx.registerCommand(NotesCommands.refresh, refresh);
  ctx.registerCommand(NotesCommands.goToSymbol, (symbol?: unknown) => {
    if (typeof symbol === 'string' && /^[A-Za-z_]\w*$/.test(symbol))
      void vscode.commands.executeCommand('workbench.action.quickOpen', `#${symbol}`);
  });

  ctx.subscribe(
    ctx.client.onDidChangeState((event) => {
      if (event.newState === State.Running) void refresh();
    }),
  );
  // Saving re-anchors notes against the new text (the server follows the code and persists the new place).
  let timer: NodeJS.Timeout | undefined;
  ctx.subscribe(
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (document.languageId !== 'c') return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void refresh(), 500);
    }),
  );
  ctx.subscribe({ dispose: () => timer && clearTimeout(timer) });
}

/** The identifier on the thread's line under the editor's cursor, if the user is on it (anchors the note to it). */
function symbolAt(thread: vscode.CommentThread): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.toString() !== thread.uri.toString()) return undefined;
  const position = editor.selection.active;
  if (position.line !== thread.range?.start.line) return undefined;
  const range = editor.document.getWordRangeAtPosition(position, /[A-Za-z_]\w*/);
  return range ? editor.document.getText(range) : undefined;
}
