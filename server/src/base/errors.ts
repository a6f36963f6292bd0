/** What went wrong, for a log line or a message: an Error's stack (with `stack`) or message, else the value as text. */
export function describeError(err: unknown, stack = false): string {
  if (err instanceof Error) return (stack ? err.stack : undefined) ?? err.message;
  return String(err);
}
