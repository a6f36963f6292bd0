import * as path from 'path';
import { ResponseError, ErrorCodes } from 'vscode-languageserver/node';
import {
  Requests,
  type NotesListParams,
  type NotesAddParams,
  type NotesReplyParams,
  type NotesResolveParams,
  type NotesDeleteParams,
  type NotesExportParams,
  type NotesListResult,
  type NoteWire,
} from '../../../../protocol';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import { NotesService } from '../../notes/service';
import { resolveNotesPath } from '../../notes/store';
import { toWire, readSourceFile } from '../../notes/wire';
import { noteAuthor } from '../../notes/author';

/**
 * Review notes over LSP: kernelMmLens/notes/{list,add,reply,resolve,delete,export}, so any editor can read and
 * write them. Storage: the `notesFile` setting, else `<cacheDir>/notes/<workspace>-<hash>.json` (outside the tree).
 */
function serviceFor(ctx: ServerContext): NotesService {
  // The client's storage folder (InitializationOptions.cacheDir), else the user cache: never inside the tree.
  const cacheDir = ctx.cacheDir;
  const notesPath = resolveNotesPath(ctx.settings().notesFile, ctx.root, cacheDir);
  return new NotesService(notesPath, {
    readSource: (file) => {
      const open = ctx.documents.get(ctx.uriOfRelativePath(file));
      if (open) return open.getText();
      return ctx.root ? readSourceFile(path.join(ctx.root, file)) : undefined;
    },
    symbolFiles: (symbol) =>
      (ctx.currentIndex()?.findDefinitions(symbol) ?? []).filter((d) => !d.isDeclaration).map((d) => d.file),
  });
}

function fileOf(ctx: ServerContext, uri: string): string {
  const file = ctx.relativePathOfUri(uri);
  if (!file)
    throw new ResponseError(ErrorCodes.InvalidParams, `notes are kept for files inside the workspace, not ${uri}`);
  return file;
}

function guarded<P, R>(ctx: ServerContext, run: (params: P) => R): (params: P) => R {
  return (params: P) => {
    try {
      return run(params);
    } catch (err) {
      if (err instanceof ResponseError) throw err;
      ctx.log(`notes: ${(err as Error).message}`);
      throw new ResponseError(ErrorCodes.InvalidRequest, (err as Error).message);
    }
  };
}

export const notesFeature: ServerFeature = {
  name: 'notes',
  capabilities: () => ({}),
  register(ctx) {
    const wire =
      (_service: NotesService) =>
      (view: Parameters<typeof toWire>[0]): NoteWire =>
        toWire(view, (file) => ctx.uriOfRelativePath(file));
    ctx.connection.onRequest(
      Requests.notesList,
      guarded(ctx, (params: NotesListParams | undefined): NotesListResult => {
        const service = serviceFor(ctx);
        const file = params?.uri ? ctx.relativePathOfUri(params.uri) : undefined;
        if (params?.uri && !file) return { notes: [], notesFile: service.notesPath };
        const notes = service.list(file).map(wire(service));
        if (service.lastProblem) ctx.log(`notes: ${service.lastProblem}`);
        return { notes, notesFile: service.notesPath, problem: service.lastProblem };
      }),
    );
    // The git identity of the workspace, read once (notes/author.ts; trusted workspaces only).
    let author: Promise<string> | undefined;
    const authorOf = (given: string | undefined) =>
      given
        ? Promise.resolve(given)
        : (author ??= noteAuthor({ root: ctx.root, trusted: ctx.workspaceTrusted() }).catch(() => 'reviewer'));
    ctx.connection.onRequest(Requests.notesAdd, async (params: NotesAddParams) => {
      const by = await authorOf(params.author);
      return guarded(ctx, (p: NotesAddParams) => {
        const service = serviceFor(ctx);
        return wire(service)(
          service.add({ file: fileOf(ctx, p.uri), line: p.line, body: p.body, symbol: p.symbol, author: by }),
        );
      })(params);
    });
    ctx.connection.onRequest(Requests.notesReply, async (params: NotesReplyParams) => {
      const by = await authorOf(params.author);
      return guarded(ctx, (p: NotesReplyParams) => {
        const service = serviceFor(ctx);
        return wire(service)(service.reply(p.id, p.body, by));
      })(params);
    });
    ctx.connection.onRequest(
      Requests.notesResolve,
      guarded(ctx, (params: NotesResolveParams) => {
        const service = serviceFor(ctx);
        return wire(service)(service.resolve(params.id, params.resolved !== false));
      }),
    );
    ctx.connection.onRequest(
      Requests.notesDelete,
      guarded(ctx, (params: NotesDeleteParams) => serviceFor(ctx).delete(params.id)),
    );
    ctx.connection.onRequest(
      Requests.notesExport,
      guarded(ctx, (params: NotesExportParams) => ({
        text: serviceFor(ctx).export(params?.format === 'reply' ? 'reply' : 'markdown'),
      })),
    );
  },
};
