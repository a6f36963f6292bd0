import type { DiagramResult, DiagramSourceInfo } from '../../protocol';

/**
 * The HTML of the diagram webview, built without `vscode` so tests can load it in a real browser.
 * Everything that is not our own markup is escaped; the page carries no URL except the two local
 * resources (script, stylesheet) given by the caller, and runs only the nonce'd script.
 */
export interface DiagramHtmlInput {
  result: DiagramResult;
  /** `webview.cspSource`. */
  cspSource: string;
  /** Fresh per render. */
  nonce: string;
  /** `webview.asWebviewUri(dist/media/diagramView.js)`. */
  scriptUri: string;
  /** `webview.asWebviewUri(dist/media/diagramView.css)`. */
  styleUri: string;
}

/** What the webview script needs per step; deliberately without lore URLs (the extension opens those). */
export interface WebviewStep {
  id: string;
  label: string;
  function?: string;
  at?: string;
  note?: string;
  source: string;
  hasThread: boolean;
  /** The tree has no definition for `function`. */
  missing: boolean;
  highlighted: boolean;
}

export interface WebviewData {
  id: string;
  variant: string;
  steps: WebviewStep[];
}

/** `https://x` in text becomes `https[:]//x`: the page may contain no remote URL, not even as text. */
export function defangUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*):\/\//gi, '$1[:]//');
}

/** Escapes an attribute value we produced ourselves (resource URIs, the CSP); not for untrusted text. */
function escapeAttribute(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );
}

/** Escapes untrusted text for HTML content or attributes, with URLs defanged. */
function escapeHtml(text: string): string {
  return escapeAttribute(defangUrls(text));
}

function sourceText(source: DiagramSourceInfo): string {
  const parts: string[] = [];
  if (source.subject) parts.push(source.subject);
  if (source.thread) parts.push(`<${source.thread}>`);
  if (source.tree) parts.push(`checked in ${source.tree}`);
  return parts.join(' ');
}

/** JSON that is safe inside a <script type="application/json"> element (no `</script>`, no HTML comment openers). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function webviewData(result: DiagramResult): WebviewData {
  return {
    id: result.id,
    variant: result.variant,
    steps: result.steps.map((step) => ({
      id: step.id,
      label: defangUrls(step.label),
      function: step.function,
      at: step.at,
      note: step.note === undefined ? undefined : defangUrls(step.note),
      source: defangUrls(sourceText(step.source)),
      hasThread: Boolean(step.source.thread),
      missing: Boolean(step.missing),
      highlighted: step.highlighted,
    })),
  };
}

/** Nonce for one render: 128 random bits, base64 (CSP allows base64 characters). */
function isValidNonce(nonce: string): boolean {
  return /^[A-Za-z0-9+/]{16,}={0,2}$/.test(nonce);
}

export function buildDiagramHtml(input: DiagramHtmlInput): string {
  const { result, cspSource, nonce } = input;
  if (!isValidNonce(nonce)) throw new Error('diagram webview: invalid nonce');
  const csp = `default-src 'none'; img-src ${cspSource} data:; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  const variants = result.variants
    .map(
      (variant) =>
        `<button type="button" class="kml-variant" data-variant="${escapeHtml(variant.id)}" aria-pressed="${variant.id === result.variant}">${escapeHtml(variant.label)}</button>`,
    )
    .join('');
  const changes = result.changes
    ? `<section class="kml-changes" aria-label="What changed"><h2>What changed between ${escapeHtml(result.changes.from)} and ${escapeHtml(result.changes.to)}</h2>` +
      `<p>${escapeHtml(result.changes.summary)}</p><ul>` +
      result.changes.items
        .map(
          (item) =>
            `<li><strong>${escapeHtml(item.what)}</strong> ${escapeHtml(item.why)} <span class="kml-source">${escapeHtml(sourceText(item.source))}</span></li>`,
        )
        .join('') +
      '</ul></section>'
    : '';
  const unresolved = result.unresolved
    ? '<p class="kml-warning">The index is still being built: steps will open once it is ready.</p>'
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(input.styleUri)}">
<title>${escapeHtml(result.title)}</title>
</head>
<body>
<header class="kml-header">
<h1>${escapeHtml(result.title)}</h1>
<p class="kml-summary">${escapeHtml(result.summary)}</p>
<div class="kml-toolbar">
<nav class="kml-variants" aria-label="Variants">${variants}</nav>
<div class="kml-zoom" role="group" aria-label="Zoom">
<button type="button" id="kml-zoom-out" title="Zoom out (-)" aria-label="Zoom out">−</button>
<button type="button" id="kml-zoom-fit" title="Fit to width (0)" aria-label="Fit to width">Fit</button>
<button type="button" id="kml-zoom-in" title="Zoom in (+)" aria-label="Zoom in">+</button>
<span id="kml-zoom-level" class="kml-zoom-level" aria-live="polite"></span>
</div>
<button type="button" id="kml-export">Export SVG…</button>
</div>
<p class="kml-reason">Variant <strong>${escapeHtml(result.variantLabel)}</strong>: ${escapeHtml(result.variantReason)}</p>
${unresolved}
<p class="kml-help">Tab or the arrow keys move between steps; Enter opens the step's code; Ctrl+wheel, + and − zoom.</p>
</header>
<div class="kml-workspace">
<main id="kml-diagram" class="kml-diagram-container">${result.svg}</main>
<aside class="kml-side">
<div id="kml-details" class="kml-details" aria-live="polite"></div>
${changes}
</aside>
</div>
<script type="application/json" id="kml-data">${jsonForScript(webviewData(result))}</script>
<script nonce="${nonce}" src="${escapeAttribute(input.scriptUri)}"></script>
</body>
</html>
`;
}
