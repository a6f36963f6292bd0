import type { MailMessage } from './types';
import { SKIP_REASON_TEXT, type MailLimits, type SkipReason } from './mail/limits';
import type { RawMessageSink, SourceReadReport } from './mail/mailReader';
import { parseMail } from './mail/parseMail';
import { MapSymbolTable, type SymbolTable } from './mailCache';

/**
 * Parses the raw messages of one mail source, or of one range of a large mbox (a worker's share), into message
 * records without text and a symbol table numbered from the part's first message. The same code runs on the
 * main thread and in the parse workers, so both give the same records.
 */

export interface ParsedPart {
  messages: MailMessage[];
  symbols: SymbolTable;
  skipped: Map<SkipReason, number>;
  /** Per-message notes (no Message-ID, skipped), at most `maxNotes`; `moreNotes` counts the rest. */
  notes: string[];
  moreNotes: number;
  cancelled: boolean;
}

export async function parsePart(
  source: string,
  read: (sink: RawMessageSink) => Promise<SourceReadReport>,
  limits: MailLimits,
  maxNotes: number,
  isCancelled?: () => boolean,
): Promise<ParsedPart & { symbols: MapSymbolTable }> {
  const symbols = new MapSymbolTable();
  const part: ParsedPart & { symbols: MapSymbolTable } = {
    messages: [],
    symbols,
    skipped: new Map(),
    notes: [],
    moreNotes: 0,
    cancelled: false,
  };
  const note = (text: string): void => {
    if (part.notes.length < maxNotes) part.notes.push(text);
    else part.moreNotes++;
  };
  const report = await read(({ content, location }) => {
    if (isCancelled?.()) {
      part.cancelled = true;
      return false;
    }
    part.symbols.begin(part.messages.length);
    const outcome = parseMail(content, location, limits, {
      mboxrd: location.file === undefined,
      symbolSink: part.symbols,
    });
    if ('skipped' in outcome) {
      part.symbols.rollback();
      part.skipped.set(outcome.skipped, (part.skipped.get(outcome.skipped) ?? 0) + 1);
      note(
        `mail: ${source} at byte ${location.offset}${location.file ? ` (${location.file})` : ''}: ${SKIP_REASON_TEXT[outcome.skipped]}`,
      );
      return true;
    }
    const message = outcome.message;
    if (message.synthesisedId)
      note(
        `mail: ${source} at byte ${location.offset}: no Message-ID ("${message.subject.slice(0, 80)}"); using ${message.messageId}`,
      );
    // The index keeps no text: a thread view reads the message again from its offset.
    message.symbols = [];
    message.body = '';
    message.bodyDropped = true;
    part.messages.push(message);
    return true;
  });
  for (const [reason, count] of report.skipped) part.skipped.set(reason, (part.skipped.get(reason) ?? 0) + count);
  return part;
}
