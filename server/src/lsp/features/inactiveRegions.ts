import type { TextDocument } from 'vscode-languageserver-textdocument';
import { InactiveRegionsNotification, type InactiveRegionsParams } from '../../../../protocol';
import type { ServerFeature } from '../feature';
import type { ServerContext } from '../context';
import type { InactiveRegion } from '../../parsing/inactiveRegions';
import { describeError } from '../../base/errors';

/** Typing pauses shorter than this do not re-evaluate (a file's regions take a few ms; a burst of keys should not). */
const DEBOUNCE_MS = 200;

/** Whether the client announced clangd's extension (`textDocument.inactiveRegionsCapabilities.inactiveRegions`). */
export function clientWantsInactiveRegions(ctx: ServerContext): boolean {
  const textDocument = ctx.clientCapabilities().textDocument as
    { inactiveRegionsCapabilities?: { inactiveRegions?: unknown } } | undefined;
  return textDocument?.inactiveRegionsCapabilities?.inactiveRegions === true;
}

/** A document the preprocessor reads: C, headers, assembly (by name; C++-associated headers too). */
function isPreprocessed(document: TextDocument): boolean {
  return document.languageId === 'c' || document.languageId === 'cpp' || /\.(c|h|S)$/.test(document.uri.split('?')[0]);
}

/** clangd's shape: whole lines, from column 0 to the end of the last line. */
export function regionsToRanges(regions: readonly InactiveRegion[], text: string): InactiveRegionsParams['regions'] {
  if (regions.length === 0) return [];
  const lineLengths = text.split('\n').map((line) => (line.endsWith('\r') ? line.length - 1 : line.length));
  return regions.map((region) => ({
    start: { line: region.first, character: 0 },
    end: { line: region.last, character: lineLengths[region.last] ?? 0 },
  }));
}

/**
 * The code the kernel configuration leaves out, pushed with clangd's `textDocument/inactiveRegions` notification for
 * every open C document (on open, after edits, and for all of them when the configuration changes), so an editor
 * that paints clangd's inactive regions paints ours. VS Code's client dims them (client/src/features/inactiveCode.ts).
 */
export const inactiveRegionsFeature: ServerFeature = {
  name: 'inactiveRegions',
  capabilities: () => ({}),
  register(ctx) {
    const timers = new Map<string, NodeJS.Timeout>();
    const publish = (uri: string) => {
      if (!clientWantsInactiveRegions(ctx)) return;
      const document = ctx.documents.get(uri);
      if (!document || !isPreprocessed(document)) return;
      try {
        const text = document.getText();
        const file = ctx.relativePathOfUri(uri) ?? uri.slice(uri.lastIndexOf('/') + 1);
        const regions = ctx.configuration.regions(file, text);
        const params: InactiveRegionsParams = { textDocument: { uri }, regions: regionsToRanges(regions, text) };
        void ctx.connection.sendNotification(InactiveRegionsNotification, params).catch(() => undefined);
      } catch (err) {
        ctx.log(`inactive regions: ${uri}: ${describeError(err, true)}`);
      }
    };
    const schedule = (document: TextDocument) => {
      clearTimeout(timers.get(document.uri));
      timers.set(
        document.uri,
        setTimeout(() => {
          timers.delete(document.uri);
          publish(document.uri);
        }, DEBOUNCE_MS),
      );
    };
    ctx.documents.onDidChangeContent(schedule);
    ctx.documents.onDidClose((document) => {
      clearTimeout(timers.get(document.uri));
      timers.delete(document.uri);
      // The file on disk may differ from the closed buffer: compute it again when next asked.
      const file = ctx.relativePathOfUri(document.uri);
      if (file !== undefined) ctx.configuration.forget(file);
    });
    ctx.configuration.onChange(() => {
      for (const document of ctx.documents.all()) publish(document.uri);
    });
  },
};
