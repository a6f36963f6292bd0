import { visibleEscapes } from '../../../protocol/untrustedText';
import type { CliIO } from './command';

/**
 * The terminal sink, in one place: every byte a CLI command writes goes through here. The commands print
 * file names, kernel-doc, mail subjects and authors, notes: untrusted text that could carry ANSI/OSC sequences
 * (recolour, retitle, hyperlink or clear the user's terminal) or bidi overrides (hide or reorder what is shown).
 * Each such character is written as a visible `\uXXXX` escape instead. Our own output needs only one control
 * character, the carriage return that starts a progress-bar redraw, kept when it opens a write. `--json` output
 * keeps parsing to exactly the same value (the escape is JSON's own inside a string, the only place JSON.stringify
 * leaves such characters), so no raw control or bidi byte reaches a terminal or a pipe.
 */
export function guardedStream<T extends NodeJS.WritableStream>(target: T): T {
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    const redraw = text.startsWith('\r');
    const safe = (redraw ? '\r' : '') + visibleEscapes(redraw ? text.slice(1) : text);
    // A string goes out as UTF-8 whatever encoding argument came with the original chunk.
    const callback = rest.find((value) => typeof value === 'function') as ((err?: Error | null) => void) | undefined;
    return target.write(safe, 'utf8', callback);
  };
  // Everything else (isTTY, columns, end, on...) is the target's own, so the write stays synchronous as before.
  return new Proxy(target, {
    get(object, property) {
      if (property === 'write') return write;
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

/** The process's streams with the terminal sink in front. */
export function guardedIO(io: CliIO): CliIO {
  return { out: guardedStream(io.out), err: guardedStream(io.err) };
}
