import { parentPort } from 'worker_threads';
import type { MailMessage } from '../types';
import type { MailLimits, SkipReason } from './limits';
import { readMboxRange } from './mailReader';
import { parsePart } from '../sourceParser';
import { symbolTableBytes } from '../mailCache';

/**
 * A parse worker: reads one range of a large mbox (its start is a message boundary) and sends back the message
 * records and the symbol table of that range. The main thread reads the other ranges in other workers and
 * keeps the parts in order (mailIndex.ts). Bundled as dist/mailWorker.js.
 */

export interface ParseRequest {
  file: string;
  start: number;
  end: number;
  limits: MailLimits;
  maxNotes: number;
}

export interface ParseResponse {
  messages: MailMessage[];
  /** The symbol table as cache-section bytes (transferred, not copied). */
  symbols: Uint8Array;
  skipped: Array<[SkipReason, number]>;
  notes: string[];
  moreNotes: number;
  /** Whole-range problems (a read error). */
  logs: string[];
}

parentPort?.on('message', (request: ParseRequest) => {
  const logs: string[] = [];
  void parsePart(
    request.file,
    (sink) => readMboxRange(request.file, request, (line) => logs.push(line), request.limits, sink),
    request.limits,
    request.maxNotes,
  ).then(
    (part) => {
      const symbols = symbolTableBytes(part.symbols);
      part.symbols.map.clear();
      const response: ParseResponse = {
        messages: part.messages,
        symbols,
        skipped: [...part.skipped],
        notes: part.notes,
        moreNotes: part.moreNotes,
        logs,
      };
      // Transferring the bytes spares a copy of the worker's largest result.
      parentPort!.postMessage(response, [symbols.buffer as ArrayBuffer]);
    },
    (error: unknown) => parentPort!.postMessage({ error: String(error) }),
  );
});
