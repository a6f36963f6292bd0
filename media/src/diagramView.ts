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

function select(node: SVGGElement, focus: boolean): void {
  for (const other of nodes) other.classList.toggle('kml-selected', other === node);
  const id = node.dataset.step ?? '';
  const step = stepsById.get(id);
  if (step) showDetails(step);
  if (focus) node.focus();
  vscode.setState({ id: data.id, variant: data.variant, selected: id } satisfies ViewState);
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

// Back from hidden (the webview was discarded): reselect what the user had; else the step they came from.
const restored = savedState()?.selected;
const initial =
  nodes.find((node) => node.dataset.step === restored) ??
  nodes.find((node) => node.classList.contains('kml-highlight'));
if (initial) select(initial, true);
