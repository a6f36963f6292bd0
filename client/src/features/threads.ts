import * as vscode from 'vscode';
import {
  ClientCommands,
  Requests,
  type BlameLineResult,
  type SearchLoreExternalsResult,
  type ThreadDocumentResult,
  type ThreadListEntry,
  type ThreadOutlineEntry,
} from '../../../protocol';
import type { ClientContext } from '../clientContext';
import { parseThreadUriParts, threadUriParts, type ThreadDocumentRef } from '../threadDocumentUri';
import { notificationText, outlineText, threadPickText } from '../threadLabels';

/**
 * Review threads in VS Code: "Show related review threads" on the symbol under the cursor, the read-only
 * `kernel-mm-lens-thread:` documents (language `kernel-thread`) with a reply outline, "Open on lore.kernel.org",
 * and "Why is this line like this?" (git blame → commit → thread; trusted workspaces only).
 * All data comes from the server; nothing here touches the network except openExternal on the user's request.
 */

const THREAD_SCHEME = 'kernel-mm-lens-thread';
const THREAD_LANGUAGE = 'kernel-thread';
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/;

/** kernel-mm-lens-thread:/<readable title>?id=<Message-ID>&symbol=<name> (see threadDocumentUri.ts). */
function threadUri(messageId: string, symbol?: string, subject?: string): vscode.Uri {
  return vscode.Uri.from({ scheme: THREAD_SCHEME, ...threadUriParts({ messageId, symbol }, subject) });
}

function parseThreadUri(uri: vscode.Uri): ThreadDocumentRef {
  const ref = parseThreadUriParts(uri.path, uri.query);
  if (!ref) throw new Error(`not a review-thread document: ${uri.toString()}`);
  return ref;
}

function loreUrl(messageId: string): vscode.Uri {
  return vscode.Uri.parse(`https://lore.kernel.org/all/${encodeURIComponent(messageId).replace(/%40/g, '@')}/`);
}

interface ThreadPick extends vscode.QuickPickItem {
  /** Absent on the "search lore externals" item at the top of the list. */
  entry?: ThreadListEntry;
}

type Picked = { entry: ThreadListEntry; action: 'open' | 'lore' } | { action: 'lei' };

export function activate(ctx: ClientContext): void {
  const documents = new Map<string, ThreadDocumentResult>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  ctx.subscribe(changed);

  function request(ref: ThreadDocumentRef): Promise<ThreadDocumentResult> {
    return ctx.client.sendRequest(Requests.threadDocument, {
      messageId: ref.messageId,
      symbol: ref.symbol,
    });
  }

  async function load(uri: vscode.Uri): Promise<ThreadDocumentResult> {
    const result = await request(parseThreadUri(uri));
    documents.set(uri.toString(), result);
    return result;
  }

  ctx.subscribe(
    vscode.workspace.registerTextDocumentContentProvider(THREAD_SCHEME, {
      onDidChange: changed.event,
      async provideTextDocumentContent(uri) {
        try {
          return (documents.get(uri.toString()) ?? (await load(uri))).text;
        } catch (err) {
          return `Kernel MM Lens could not load this thread: ${String(err)}\n`;
        }
      },
    }),
  );
  /** The loaded thread of a document; loaded again when it is not known (a restored editor, a dropped entry). */
  async function loaded(uri: vscode.Uri): Promise<ThreadDocumentResult | undefined> {
    try {
      return documents.get(uri.toString()) ?? (await load(uri));
    } catch {
      return undefined;
    }
  }

  // Forget a thread when its document is really gone. setTextDocumentLanguage (below) closes and reopens the
  // document: dropping the entry then lost the folds of the other versions and the reply outline (issue 20, e2e).
  ctx.subscribe(
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme !== THREAD_SCHEME) return;
      const key = doc.uri.toString();
      setTimeout(() => {
        if (!vscode.workspace.textDocuments.some((open) => open.uri.toString() === key)) documents.delete(key);
      }, 1000);
    }),
  );
  // The path has no extension to take the language from: thread documents (also those VS Code restores with the
  // window) get it when they open.
  ctx.subscribe(
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (doc.uri.scheme === THREAD_SCHEME && doc.languageId !== THREAD_LANGUAGE)
        void vscode.languages.setTextDocumentLanguage(doc, THREAD_LANGUAGE).then(undefined, () => undefined);
    }),
  );

  ctx.subscribe(
    vscode.languages.registerDocumentSymbolProvider(
      { scheme: THREAD_SCHEME },
      {
        async provideDocumentSymbols(doc) {
          const result = await loaded(doc.uri);
          return result ? outlineSymbols(result.outline, doc) : [];
        },
      },
      { label: 'Replies' },
    ),
  );

  // The other versions of the patch are folding ranges, folded when the thread opens (the latest stays open).
  ctx.subscribe(
    vscode.languages.registerFoldingRangeProvider(
      { scheme: THREAD_SCHEME },
      {
        async provideFoldingRanges(doc) {
          const folds = (await loaded(doc.uri))?.folds ?? [];
          return folds.map((fold) => new vscode.FoldingRange(fold.startLine, fold.endLine));
        },
      },
    ),
  );

  async function openThread(messageId: unknown, symbol?: unknown): Promise<void> {
    if (typeof messageId !== 'string' || !messageId) return;
    const ref = { messageId, symbol: typeof symbol === 'string' ? symbol : undefined };
    try {
      // Loaded first so that the tab can be titled with the message's subject.
      const result = await request(ref);
      const subject = result.outline.find((entry) => entry.messageId === messageId)?.subject;
      const uri = threadUri(messageId, ref.symbol, subject);
      documents.set(uri.toString(), result);
      changed.fire(uri);
      let doc = await vscode.workspace.openTextDocument(uri);
      if (doc.languageId !== THREAD_LANGUAGE)
        doc = await vscode.languages.setTextDocumentLanguage(doc, THREAD_LANGUAGE);
      const line = Math.min(result.focusLine ?? 0, Math.max(0, doc.lineCount - 1));
      const position = new vscode.Position(line, 0);
      await vscode.window.showTextDocument(doc, { preview: true, selection: new vscode.Range(position, position) });
      if (result.folds?.length)
        await vscode.commands.executeCommand('editor.fold', {
          selectionLines: result.folds.map((fold) => fold.startLine),
          levels: 1,
        });
      vscode.window.activeTextEditor?.revealRange(
        new vscode.Range(position, position),
        vscode.TextEditorRevealType.InCenter,
      );
    } catch (err) {
      void vscode.window.showErrorMessage(notificationText(`Kernel MM Lens: cannot open the thread: ${String(err)}`));
    }
  }

  ctx.registerCommand(ClientCommands.openThread, openThread);

  ctx.registerCommand(ClientCommands.openThreadOnLore, async (messageId: unknown) => {
    if (typeof messageId === 'string' && messageId) await vscode.env.openExternal(loreUrl(messageId));
  });

  ctx.registerCommand(ClientCommands.showThreads, async (symbolArgument?: unknown) => {
    const symbol = typeof symbolArgument === 'string' ? symbolArgument : symbolUnderCursor();
    if (!symbol) {
      void vscode.window.showInformationMessage(
        'Kernel MM Lens: put the cursor on a function, macro or type name first.',
      );
      return;
    }
    let entries: ThreadListEntry[];
    try {
      entries = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Review threads for ${symbol}` },
        () => ctx.client.sendRequest(Requests.threadsForSymbol, { symbol }),
      );
    } catch (err) {
      void vscode.window.showErrorMessage(
        notificationText(`Kernel MM Lens: cannot list review threads: ${String(err)}`),
      );
      return;
    }
    // The lei search is offered when archives are configured (it runs only when the user picks it).
    const offerLei = vscode.workspace.isTrusted && ctx.settings().loreExternals.length > 0;
    if (entries.length === 0) {
      const search = 'Search lore externals (lei)';
      const choice = await vscode.window.showInformationMessage(
        `Kernel MM Lens: no review threads known for ${symbol}. Add b4/lei mail to the "kernelMmLens.mailSources" setting, or public-inbox archives to "kernelMmLens.loreExternals".`,
        ...(offerLei ? [search] : []),
      );
      if (choice === search) await vscode.commands.executeCommand(ClientCommands.searchLoreExternals, symbol);
      return;
    }
    await pickAndOpen(symbol, entries, offerLei);
  });

  async function pickAndOpen(symbol: string, entries: ThreadListEntry[], offerLei: boolean): Promise<void> {
    const picked = await pickThread(symbol, entries, offerLei);
    if (!picked) return;
    if (picked.action === 'lei') await vscode.commands.executeCommand(ClientCommands.searchLoreExternals, symbol);
    else if (picked.action === 'lore') await vscode.env.openExternal(loreUrl(picked.entry.messageId));
    else await openThread(picked.entry.messageId, symbol);
  }

  // An explicit request: the server runs lei on the `loreExternals` (remote ones too, as the user asked).
  ctx.registerCommand(ClientCommands.searchLoreExternals, async (symbolArgument?: unknown) => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'Kernel MM Lens: searching lore externals runs lei, so it only works in a trusted workspace.',
      );
      return;
    }
    const symbol = typeof symbolArgument === 'string' ? symbolArgument : symbolUnderCursor();
    if (!symbol) {
      void vscode.window.showInformationMessage(
        'Kernel MM Lens: put the cursor on a function, macro or type name first.',
      );
      return;
    }
    const editor = vscode.window.activeTextEditor;
    const file =
      editor?.document.uri.scheme === 'file' ? vscode.workspace.asRelativePath(editor.document.uri, false) : undefined;
    let result: SearchLoreExternalsResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `lei: review threads for ${symbol}` },
        () => ctx.client.sendRequest(Requests.searchLoreExternals, { symbol, file }),
      );
    } catch (err) {
      void vscode.window.showErrorMessage(
        notificationText(`Kernel MM Lens: cannot search lore externals: ${String(err)}`),
      );
      return;
    }
    if (result.entries.length === 0) {
      void vscode.window.showInformationMessage(notificationText(`Kernel MM Lens: ${result.message}`));
      return;
    }
    vscode.window.setStatusBarMessage(notificationText(`Kernel MM Lens: ${result.message}`), 10000);
    await pickAndOpen(symbol, result.entries, false);
  });

  ctx.registerCommand(ClientCommands.whyThisLine, async () => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'Kernel MM Lens: "Why is this line like this?" runs git, so it only works in a trusted workspace.',
      );
      return;
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.scheme !== 'file') {
      void vscode.window.showInformationMessage('Kernel MM Lens: open a file of a git checkout first.');
      return;
    }
    const line = editor.selection.active.line;
    let result: BlameLineResult;
    try {
      result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'git blame' }, () =>
        ctx.client.sendRequest(Requests.blameLine, { uri: editor.document.uri.toString(), line }),
      );
    } catch (err) {
      void vscode.window.showErrorMessage(notificationText(`Kernel MM Lens: blame failed: ${String(err)}`));
      return;
    }
    const thread = result.thread;
    if (!thread) {
      void vscode.window.showInformationMessage(notificationText(result.message));
      return;
    }
    const actions = ['Open thread', ...(thread.url ? ['Open on lore.kernel.org'] : [])];
    const choice = await vscode.window.showInformationMessage(notificationText(result.message), ...actions);
    if (choice === 'Open thread') await openThread(thread.messageId);
    else if (choice === 'Open on lore.kernel.org') await vscode.env.openExternal(loreUrl(thread.messageId));
  });
}

function symbolUnderCursor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const range = editor.document.getWordRangeAtPosition(editor.selection.active, IDENTIFIER);
  return range ? editor.document.getText(range) : undefined;
}

async function pickThread(symbol: string, entries: ThreadListEntry[], offerLei: boolean): Promise<Picked | undefined> {
  const loreButton: vscode.QuickInputButton = {
    iconPath: new vscode.ThemeIcon('link-external'),
    tooltip: 'Open on lore.kernel.org',
  };
  const quickPick = vscode.window.createQuickPick<ThreadPick>();
  quickPick.title = notificationText(`Review threads for ${symbol}`);
  quickPick.placeholder =
    'Enter opens the thread in the editor (local mail, else the bundled summary); the button opens lore.kernel.org';
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  const leiItem: ThreadPick = {
    label: '$(search) Search lore externals with lei',
    description: 'kernelMmLens.loreExternals: runs lei q now',
    alwaysShow: true,
  };
  const threadItems: ThreadPick[] = entries.map((entry) => ({
    // Plain text (no Markdown, so no links); mail fields cleaned of control and bidi characters (threadLabels.ts).
    ...threadPickText(
      entry,
      `${versionNote(entry)}${entry.inTree ? ` · ${entry.inTree.text}` : ''}${entry.local ? ' · local mail' : ''}`,
    ),
    buttons: entry.url ? [loreButton] : [],
    entry,
  }));
  quickPick.items = offerLei ? [leiItem, ...threadItems] : threadItems;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: Picked | undefined) => {
      if (settled) return;
      settled = true;
      resolve(value);
      quickPick.hide();
    };
    quickPick.onDidTriggerItemButton((event) => {
      if (event.item.entry) finish({ entry: event.item.entry, action: 'lore' });
    });
    quickPick.onDidAccept(() => {
      const item = quickPick.selectedItems[0];
      if (!item) finish(undefined);
      else finish(item.entry ? { entry: item.entry, action: 'open' } : { action: 'lei' });
    });
    quickPick.onDidHide(() => {
      finish(undefined);
      quickPick.dispose();
    });
    quickPick.show();
  });
}

/** " · v9, 4 earlier versions" for a patch posted several times (the earlier ones are folded in the thread view). */
function versionNote(entry: ThreadListEntry): string {
  const versions = entry.versions ?? [];
  if (versions.length === 0) return '';
  const earlier = versions.length - 1;
  return ` · v${versions[0].version}${earlier > 0 ? `, ${earlier} earlier version${earlier === 1 ? '' : 's'}` : ''}`;
}

/** The reply tree as document symbols: each message nests under the one it answers. */
function outlineSymbols(outline: ThreadOutlineEntry[], doc: vscode.TextDocument): vscode.DocumentSymbol[] {
  const byId = new Map<string, vscode.DocumentSymbol>();
  const roots: vscode.DocumentSymbol[] = [];
  const lastLine = Math.max(0, doc.lineCount - 1);
  for (const entry of outline) {
    const start = Math.min(entry.line, lastLine);
    const end = Math.min(Math.max(entry.endLine, start), lastLine);
    const range = new vscode.Range(start, 0, end, doc.lineAt(end).text.length);
    const text = outlineText(entry);
    const symbol = new vscode.DocumentSymbol(
      text.name,
      text.detail,
      entry.depth === 0 ? vscode.SymbolKind.Module : vscode.SymbolKind.String,
      range,
      new vscode.Range(start, 0, start, 0),
    );
    const parent = entry.parentId ? byId.get(entry.parentId) : undefined;
    if (parent) parent.children.push(symbol);
    else roots.push(symbol);
    byId.set(entry.messageId, symbol);
  }
  // VS Code expects a child's range inside its parent's: a message's range grows to cover its replies.
  const cover = (symbol: vscode.DocumentSymbol): vscode.Range => {
    for (const child of symbol.children) symbol.range = symbol.range.union(cover(child));
    return symbol.range;
  };
  roots.forEach(cover);
  return roots;
}
