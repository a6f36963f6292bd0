/// <reference lib="dom" />
/**
 * Script of the lifecycle diagram webview (bundled to dist/media/diagramView.js; its CSS import becomes
 * dist/media/diagramView.css). It never builds HTML from strings: details are written with textContent.
 * Messages to the extension: {type:'open', step}, {type:'openThread', step}, {type:'variant', variant},
 * {type:'export'}.
 */
import '../diagram.css';

interface WebviewStep {
  id: string;
  label: string;
  function?: string;
  at?: string;
  note?: string;
  source: string;
  hasThread: boolean;
  missing: boolean;
  highlighted: boolean;
}

interface WebviewData {
  id: string;
  variant: string;
  steps: WebviewStep[];
}

interface ViewState {
  id: string;
  variant: string;
  selected?: string;
  /** Zoom factor; absent: fitted to the width of the pane (and refitted when it resizes). */
  scale?: number;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const data = JSON.parse(document.getElementById('kml-data')?.textContent ?? '{"steps":[]}') as WebviewData;
const stepsById = new Map(data.steps.map((step) => [step.id, step]));
const nodes = Array.from(document.querySelectorAll<SVGGElement>('.kml-node'));
const details = document.getElementById('kml-details');
const viewport = document.getElementById('kml-diagram');
const svg = viewport?.querySelector('svg') ?? null;
const zoomLevel = document.getElementById('kml-zoom-level');
/** The drawing's own size (its viewBox), at zoom 1. */
const natural = (() => {
  const box = svg?.viewBox?.baseVal;
  return box && box.width > 0 ? { width: box.width, height: box.height } : { width: 1, height: 1 };
})();
const MIN_SCALE = 0.2;
const MAX_SCALE = 4;
let scale = 1;
let fitted = true;
let selectedId: string | undefined;

function savedState(): ViewState | undefined {
  const state = vscode.getState() as ViewState | undefined;
  // State of another diagram or variant (the panel is reused) does not apply.
  return state && state.id === data.id && state.variant === data.variant ? state : undefined;
}

function append(parent: HTMLElement, tag: string, text: string, className?: string): HTMLElement {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  parent.appendChild(element);
  return element;
}

function showDetails(step: WebviewStep): void {
  if (!details) return;
  details.replaceChildren();
  append(details, 'h2', step.label);
  if (step.function) {
    append(
      details,
      'p',
      `${step.function}()${step.at ? ` at ${step.at}` : ''}${step.missing ? ' (not in this tree)' : ''}`,
      'kml-function',
    );
  }
  if (step.note) append(details, 'p', step.note, 'kml-note');
  append(details, 'p', `Source: ${step.source}`, 'kml-source');
  if (step.hasThread) {
    const button = append(details, 'button', 'Open review thread', 'kml-thread') as HTMLButtonElement;
    button.type = 'button';
    button.addEventListener('click', () => vscode.postMessage({ type: 'openThread', step: step.id }));
  }
}

function saveState(): void {
  vscode.setState({
    id: data.id,
    variant: data.variant,
    selected: selectedId,
    ...(fitted ? {} : { scale }),
  } satisfies ViewState);
}

/** Zoom to `next` keeping the drawing's point under (clientX, clientY) of the viewport where it is. */
function zoomTo(next: number, anchor?: { x: number; y: number }): void {
  if (!svg || !viewport) return;
  const clamped = Math.min(MAX_SCALE, Math.max(MIN_SCALE, next));
  const rect = viewport.getBoundingClientRect();
  const ax = anchor ? anchor.x - rect.left : viewport.clientWidth / 2;
  const ay = anchor ? anchor.y - rect.top : viewport.clientHeight / 2;
  const drawingX = (viewport.scrollLeft + ax) / scale;
  const drawingY = (viewport.scrollTop + ay) / scale;
  scale = clamped;
  svg.setAttribute('width', String(Math.round(natural.width * scale)));
  svg.setAttribute('height', String(Math.round(natural.height * scale)));
  viewport.scrollLeft = drawingX * scale - ax;
  viewport.scrollTop = drawingY * scale - ay;
  if (zoomLevel) zoomLevel.textContent = `${Math.round(scale * 100)}%`;
}

/** The whole width of the drawing in the pane (never larger than twice its size). */
function fitWidth(): void {
  if (!viewport) return;
  fitted = true;
  const available = Math.max(50, viewport.clientWidth - 4);
  zoomTo(Math.min(2, available / natural.width));
  viewport.scrollLeft = 0;
}

function zoomBy(factor: number, anchor?: { x: number; y: number }): void {
  fitted = false;
  zoomTo(scale * factor, anchor);
  saveState();
}

/** Scrolls the diagram pane so that the step is entirely visible (with a margin), if it is not. */
function reveal(node: SVGGElement): void {
  if (!viewport) return;
  const margin = 16;
  const box = node.getBoundingClientRect();
  const pane = viewport.getBoundingClientRect();
  if (box.top < pane.top + margin) viewport.scrollTop -= pane.top + margin - box.top;
  else if (box.bottom > pane.bottom - margin) viewport.scrollTop += box.bottom - (pane.bottom - margin);
  if (box.left < pane.left + margin) viewport.scrollLeft -= pane.left + margin - box.left;
  else if (box.right > pane.right - margin) viewport.scrollLeft += box.right - (pane.right - margin);
}

function select(node: SVGGElement, focus: boolean): void {
  for (const other of nodes) other.classList.toggle('kml-selected', other === node);
  const id = node.dataset.step ?? '';
  const step = stepsById.get(id);
  if (step) showDetails(step);
  // preventScroll: the browser would scroll the whole page to the focused SVG element; the pane does it instead.
  if (focus) node.focus({ preventScroll: true });
  reveal(node);
  selectedId = id;
  saveState();
}

function open(node: SVGGElement): void {
  const id = node.dataset.step;
  if (id) vscode.postMessage({ type: 'open', step: id });
}

nodes.forEach((node, index) => {
  node.addEventListener('click', () => {
    select(node, true);
    open(node);
  });
  node.addEventListener('focus', () => select(node, false));
  node.addEventListener('mouseenter', () => {
    const step = stepsById.get(node.dataset.step ?? '');
    if (step) showDetails(step);
  });
  node.addEventListener('keydown', (event: KeyboardEvent) => {
    let next: number | undefined;
    if (event.key === 'ArrowDown' || event.key === 'ArrowRight') next = Math.min(nodes.length - 1, index + 1);
    else if (event.key === 'ArrowUp' || event.key === 'ArrowLeft') next = Math.max(0, index - 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = nodes.length - 1;
    else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      open(node);
      return;
    }
    if (next !== undefined) {
      event.preventDefault();
      select(nodes[next], true);
    }
  });
});

for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>('.kml-variant'))) {
  button.addEventListener('click', () => {
    const variant = button.dataset.variant;
    if (variant && variant !== data.variant) vscode.postMessage({ type: 'variant', variant });
  });
}
document.getElementById('kml-export')?.addEventListener('click', () => vscode.postMessage({ type: 'export' }));
document.getElementById('kml-zoom-in')?.addEventListener('click', () => zoomBy(1.25));
document.getElementById('kml-zoom-out')?.addEventListener('click', () => zoomBy(1 / 1.25));
document.getElementById('kml-zoom-fit')?.addEventListener('click', () => {
  fitWidth();
  saveState();
});
viewport?.addEventListener(
  'wheel',
  (event: WheelEvent) => {
    if (!event.ctrlKey && !event.metaKey) return;
    event.preventDefault();
    zoomBy(Math.exp(-event.deltaY / 300), { x: event.clientX, y: event.clientY });
  },
  { passive: false },
);
document.addEventListener('keydown', (event: KeyboardEvent) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === '+' || event.key === '=') zoomBy(1.25);
  else if (event.key === '-') zoomBy(1 / 1.25);
  else if (event.key === '0') {
    fitWidth();
    saveState();
  } else return;
  event.preventDefault();
});
window.addEventListener('resize', () => {
  if (fitted) fitWidth();
});

// Zoom: as the user left it, else fitted to the pane's width.
const saved = savedState();
if (saved?.scale) {
  fitted = false;
  zoomTo(saved.scale);
} else fitWidth();

// Back from hidden (the webview was discarded): reselect what the user had; else the step they came from.
const restored = saved?.selected;
const initial =
  nodes.find((node) => node.dataset.step === restored) ??
  nodes.find((node) => node.classList.contains('kml-highlight'));
if (initial) select(initial, true);
