import { pathToFileURL } from 'url';
import {
  DiagnosticSeverity,
  type CancellationToken,
  type Diagnostic,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Requests, type LintWorkspaceParams, type LintWorkspaceResult } from '../../../../protocol';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import {
  lintDocument,
  lintInactiveRegions,
  lintKindOfDocument,
  lintPolicy,
  lspRules,
  toDiagnostic,
} from '../lintDiagnostics';
import { lintPaths, type LintProgress } from '../../lint/lintRunner';
import { missingReleaseDiagnosticsFor } from './missingRelease';
import { describeError } from '../../base/errors';
import { LARGE_DOCUMENT_CHARS } from '../openExtraction';

/** The code of the notice that a document version is answered without a syntax tree. */
export const LEXICAL_ONLY_CODE = 'lexical-only';

/** Typing pauses shorter than this do not re-lint. */
const DEBOUNCE_MS = 300;

/**
 * Removed-API lint as pushed diagnostics for open C, Kconfig and Makefile documents, from the editor's text (not
 * the file on disk), debounced and dropped when a newer edit arrives. This feature is the one publisher of
 * diagnostics per document, so the missing-release check is merged in here. Also answers
 * `kernelMmLens/lintWorkspace` for the Problems view.
 */
export const diagnosticsFeature: ServerFeature = {
  name: 'lint-diagnostics',
  capabilities: () => ({}),
  register(ctx: ServerContext) {
    const timers = new Map<string, NodeJS.Timeout>();
    const generations = new Map<string, number>();

    const publish = async (uri: string) => {
      const generation = generations.get(uri) ?? 0;
      const document = ctx.documents.get(uri);
      if (!document) return;
      // A newer edit (or a close) superseded this run: its own run publishes.
      const superseded = () => (generations.get(uri) ?? 0) !== generation || !ctx.documents.get(uri);
      let diagnostics: Diagnostic[] = [];
      try {
        if (lintKindOfDocument(document))
          diagnostics = lintDocument(ctx, document).map((finding) => toDiagnostic(ctx, finding));
        // A large document's lint findings (a lexical scan) are published before the missing-release check waits
        // for its tree (issue 17): the merged list follows.
        if (document.getText().length > LARGE_DOCUMENT_CHARS && !ctx.documents.hasTree?.(uri)) {
          if (superseded()) return;
          const lintOnly = diagnostics;
          sendSafely(() => ctx.connection.sendDiagnostics({ uri, version: document.version, diagnostics: lintOnly }));
        }
        diagnostics = diagnostics.concat(await missingReleaseDiagnosticsFor(ctx, uri));
        const notice = lexicalOnlyNotice(ctx, uri, document);
        if (notice) diagnostics.push(notice);
      } catch (err) {
        ctx.log(`lint: ${uri}: ${describeError(err, true)}`);
      }
      if (superseded()) return;
      sendSafely(() => ctx.connection.sendDiagnostics({ uri, version: document.version, diagnostics }));
    };
    const schedule = (document: TextDocument, delay = DEBOUNCE_MS) => {
      const uri = document.uri;
      generations.set(uri, (generations.get(uri) ?? 0) + 1);
      clearTimeout(timers.get(uri));
      timers.set(
        uri,
        setTimeout(() => {
          timers.delete(uri);
          void publish(uri);
        }, delay),
      );
    };
    const relintAll = () => {
      for (const document of ctx.documents.all()) schedule(document, 0);
    };

    ctx.documents.onDidChangeContent((document) => schedule(document));
    // A version over its parse budget got its tree in the idle retry: the missing-release check can run now.
    ctx.documents.onDidParse?.((document) => schedule(document, 0));
    ctx.documents.onDidClose((document) => {
      clearTimeout(timers.get(document.uri));
      timers.delete(document.uri);
      generations.set(document.uri, (generations.get(document.uri) ?? 0) + 1);
      sendSafely(() => ctx.connection.sendDiagnostics({ uri: document.uri, diagnostics: [] }));
    });
    // Severity depends on settings (target version, overrides); related information on the index.
    ctx.onSettingsChanged(relintAll);
    ctx.onIndexReady(relintAll);
    // Inactive code is not linted: a configuration switch changes what is.
    ctx.configuration.onChange(relintAll);

    ctx.connection.onRequest(
      Requests.lintWorkspace,
      async (params: LintWorkspaceParams | undefined, token): Promise<LintWorkspaceResult> => {
        const root = ctx.root;
        if (!root) return { files: [], scanned: 0, skipped: 0, findings: 0 };
        const settings = ctx.settings();
        const progress = await workspaceLintProgress(ctx, params?.workDoneToken);
        const isCancelled = () => token.isCancellationRequested || (progress.token?.isCancellationRequested ?? false);
        progress.begin('Kernel MM Lens: linting the workspace', 0, 'finding files', true);
        try {
          const result = await lintPaths([root], {
            root,
            rules: lspRules(ctx),
            ...lintPolicy(ctx),
            inactiveRegions: lintInactiveRegions(
              ctx,
              (file) => ctx.relativePathOfUri(pathToFileURL(file).toString()),
              false,
            ),
            exclude: settings.exclude,
            maxFileSize: settings.maxFileSize,
            isCancelled,
            onProgress: progressReporter(progress),
            onSkip: (file, reason) => ctx.log(`lint: skipped ${file}: ${reason}`),
          });
          const files = result.files.map((file) => ({
            uri: pathToFileURL(file.file).toString(),
            diagnostics: file.findings.map((finding) => toDiagnostic(ctx, finding, { related: false })),
          }));
          if (result.cancelled) ctx.log(`lint: workspace lint cancelled after ${files.length} file(s) with findings`);
          return {
            files,
            scanned: result.scanned,
            skipped: result.skipped,
            findings: files.reduce((n, file) => n + file.diagnostics.length, 0),
            cancelled: result.cancelled,
          };
        } finally {
          progress.done();
        }
      },
    );
  },
};

type LintProgressReporter = WorkDoneProgressReporter & { readonly token?: CancellationToken };

/**
 * Reports on the client's token when it sent one (it shows the progress and cancels through the request), else on a
 * progress the server creates, which the editor can cancel (window/workDoneProgress/cancel).
 */
async function workspaceLintProgress(
  ctx: ServerContext,
  workDoneToken: string | number | undefined,
): Promise<LintProgressReporter> {
  const window = ctx.connection.window;
  if (workDoneToken !== undefined) return window.attachWorkDoneProgress(workDoneToken);
  return window.createWorkDoneProgress().catch(() => window.attachWorkDoneProgress(undefined));
}

/** Whole percentages once the walk has counted the files (messages while it counts), each sent once. */
function progressReporter(progress: WorkDoneProgressReporter): (state: LintProgress) => void {
  let lastPercent = 0;
  let lastFound = 0;
  return ({ found, walkDone, checked }) => {
    if (!walkDone) {
      if (found - lastFound >= 1000) {
        lastFound = found;
        progress.report(0, `${found.toLocaleString('en-US')} files found`);
      }
      return;
    }
    const percent = found === 0 ? 100 : Math.floor((checked * 100) / found);
    if (percent <= lastPercent) return;
    lastPercent = percent;
    progress.report(percent, `${checked.toLocaleString('en-US')} of ${found.toLocaleString('en-US')} files checked`);
  };
}

/**
 * A C document whose current version has no tree (its parse ran past its budget, even when retried while idle, or
 * failed) says so where the user looks: one information diagnostic on its first line. Its outline comes from the
 * lexical extractor, and the tree-only answers (hover details, inlay hints, code lens, the missing-release check)
 * are missing for this version; without this only the server log told.
 */
function lexicalOnlyNotice(ctx: ServerContext, uri: string, document: TextDocument): Diagnostic | undefined {
  const failure = ctx.documents.parseFailure?.(uri);
  if (!failure) return undefined;
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: 'kernel-mm-lens',
    code: LEXICAL_ONLY_CODE,
    message:
      `Kernel MM Lens has no syntax tree for this version (${failure}). The outline comes from the lexical ` +
      `extractor; hover details, inlay hints, code lenses and the missing-release check are off while it has none.`,
    data: { version: document.version },
  };
}

/** Publishing can follow background work (an index that became ready) past a closed connection: never throw. */
function sendSafely(send: () => Promise<void>): void {
  try {
    void send().catch(() => undefined);
  } catch {
    /* connection closed */
  }
}
