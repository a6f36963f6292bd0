import {
  CancellationTokenSource,
  LSPErrorCodes,
  ResponseError,
  CancellationToken,
  type Connection,
  type ConnectionStrategy,
  type Message,
  type RequestMessage,
  type ResponseMessage,
} from 'vscode-languageserver/node';

/**
 * How every request of the server is run, in one place (the features register their handlers on the connection
 * this returns, and cannot forget any of it):
 * - cancellation (`$/cancelRequest`) is answered with RequestCancelled at once: a request still queued is
 *   answered when the cancellation is read (`cancelUndispatched`), a running one as soon as the event loop
 *   turns, whatever its handler is doing; the handler's token is cancelled too, so its loops stop;
 * - a newer hover, definition, declaration or highlight request for the same document supersedes the older
 *   one, which is answered RequestCancelled (the editor asks again as the mouse moves);
 * - a time budget per request: when it is spent the handler's token is cancelled, and the handlers that
 *   collect results (references, workspace symbols, ...) answer with what they have; the log says so.
 * Before this, 200 concurrent requests with 100 cancelled drained one after the other (37 s), none
 * acknowledged as cancelled.
 */

/** Requests whose older copies for one document are dropped when a newer one arrives. */
const SUPERSEDED_BY_NEWER = new Set([
  'textDocument/hover',
  'textDocument/definition',
  'textDocument/declaration',
  'textDocument/documentHighlight',
  'textDocument/signatureHelp',
]);

/** Milliseconds a request may run before its handler is told to finish with what it has. */
export const REQUEST_BUDGET_MS = 5000;

/** The registration methods of `Connection` that install request handlers, with the method each serves. */
const REQUEST_REGISTRARS: Record<string, string> = {
  onHover: 'textDocument/hover',
  onDefinition: 'textDocument/definition',
  onDeclaration: 'textDocument/declaration',
  onTypeDefinition: 'textDocument/typeDefinition',
  onImplementation: 'textDocument/implementation',
  onReferences: 'textDocument/references',
  onDocumentHighlight: 'textDocument/documentHighlight',
  onDocumentSymbol: 'textDocument/documentSymbol',
  onWorkspaceSymbol: 'workspace/symbol',
  onCodeAction: 'textDocument/codeAction',
  onCodeLens: 'textDocument/codeLens',
  onCompletion: 'textDocument/completion',
  onSignatureHelp: 'textDocument/signatureHelp',
  onFoldingRanges: 'textDocument/foldingRange',
  onDocumentLinks: 'textDocument/documentLink',
};

export interface RequestPolicyOptions {
  log: (message: string) => void;
  budgetMs?: number;
}

export function cancelledError(why = 'cancelled'): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, why);
}

/**
 * The connection strategy that answers a request cancelled while still queued, at once (vscode-jsonrpc's
 * default leaves it queued and runs its handler with a cancelled token).
 */
export const answerCancelledAtOnce: ConnectionStrategy = {
  cancelUndispatched: (message: Message): ResponseMessage | undefined => {
    const request = message as RequestMessage;
    return {
      jsonrpc: '2.0',
      id: request.id,
      error: { code: LSPErrorCodes.RequestCancelled, message: 'cancelled before it started' },
    };
  },
};

type Handler = (params: unknown, token: CancellationToken, ...rest: unknown[]) => unknown;

interface InFlight {
  supersede(): void;
}

/** The request handler `handler` of `method`, run under the policy. */
export function guardHandler(
  method: string,
  handler: Handler,
  options: RequestPolicyOptions,
  inFlight: Map<string, InFlight>,
): Handler {
  const budgetMs = options.budgetMs ?? REQUEST_BUDGET_MS;
  return async (...args: unknown[]) => {
    // A request without parameters (RequestType0) is handed the token first: keep it there for the handler.
    const tokenFirst = CancellationToken.is(args[0]) && args[1] === undefined;
    const params = tokenFirst ? undefined : args[0];
    const token = (tokenFirst ? args[0] : args[1]) as CancellationToken;
    const rest = tokenFirst ? [] : args.slice(2);
    if (token.isCancellationRequested) throw cancelledError();
    const own = new CancellationTokenSource();
    let reject: (error: unknown) => void = () => undefined;
    const stopped = new Promise<never>((_, rejectWith) => (reject = rejectWith));
    stopped.catch(() => undefined); // only observed through the race below
    const onCancel = token.onCancellationRequested(() => {
      own.cancel();
      reject(cancelledError());
    });
    const uri = (params as { textDocument?: { uri?: unknown } } | null)?.textDocument?.uri;
    const key = SUPERSEDED_BY_NEWER.has(method) && typeof uri === 'string' ? `${method} ${uri}` : undefined;
    const entry: InFlight = {
      supersede: () => {
        own.cancel();
        reject(cancelledError('superseded by a newer request for the same document'));
      },
    };
    if (key) {
      inFlight.get(key)?.supersede();
      inFlight.set(key, entry);
    }
    const started = performance.now();
    let overBudget = false;
    const budget = setTimeout(() => {
      overBudget = true;
      own.cancel(); // the handler's loops stop and it answers with what it has
    }, budgetMs);
    try {
      const result = await Promise.race([
        Promise.resolve().then(() =>
          tokenFirst
            ? (handler as (token: CancellationToken) => unknown)(own.token)
            : handler(params, own.token, ...rest),
        ),
        stopped,
      ]);
      if (overBudget)
        options.log(
          `${method}: partial answer after ${Math.round(performance.now() - started)} ms (time budget ${budgetMs} ms spent)`,
        );
      return result;
    } finally {
      clearTimeout(budget);
      onCancel.dispose();
      own.dispose();
      if (key && inFlight.get(key) === entry) inFlight.delete(key);
    }
  };
}

/**
 * `connection` with every request handler registered through it run under the policy (the registrars of
 * REQUEST_REGISTRARS, `onRequest(type, handler)` and the `languages.*` handlers: inlay hints, call hierarchy).
 * Notifications and everything else pass through unchanged.
 */
export function withRequestPolicy(connection: Connection, options: RequestPolicyOptions): Connection {
  const inFlight = new Map<string, InFlight>();
  const methodOf = (type: unknown): string =>
    typeof type === 'string' ? type : ((type as { method?: string } | null)?.method ?? 'request');
  const wrapLanguages = (target: object, prefix: string): object =>
    new Proxy(target, {
      get(object, property) {
        const value: unknown = Reflect.get(object, property, object);
        if (typeof property !== 'string') return value;
        if (typeof value === 'function') {
          const bound = (value as (...args: unknown[]) => unknown).bind(object);
          if (!/^on[A-Z]|^on$/.test(property)) return bound;
          return (handler: Handler) => bound(guardHandler(`${prefix}.${property}`, handler, options, inFlight));
        }
        return value && typeof value === 'object' ? wrapLanguages(value, `${prefix}.${property}`) : value;
      },
    });
  return new Proxy(connection, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof property !== 'string') return value;
      if (property === 'languages' && value && typeof value === 'object') return wrapLanguages(value, 'languages');
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(object);
      const method = REQUEST_REGISTRARS[property];
      if (method) return (handler: Handler) => bound(guardHandler(method, handler, options, inFlight));
      if (property === 'onRequest')
        return (type: unknown, handler?: Handler) =>
          typeof handler === 'function'
            ? bound(type, guardHandler(methodOf(type), handler, options, inFlight))
            : bound(type, handler);
      return bound;
    },
  });
}
