import { graphlib, layout as dagreLayout } from '@dagrejs/dagre';
import type { DiagramStep, DiagramVariant } from './types';

/**
 * Positions the steps of a variant with dagre (a layered graph layout). Text is measured with fixed
 * per-character estimates so the same layout comes out in Node (CLI, server) and in the webview, which has
 * no say in geometry: it only styles what the server drew.
 */
export type LineRole = 'label' | 'function' | 'meta';

export interface LayoutLine {
  text: string;
  role: LineRole;
}

export interface LayoutNode {
  id: string;
  kind: 'step' | 'state';
  /** Top-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
  lines: LayoutLine[];
  highlighted: boolean;
  step: DiagramStep;
}

export interface LayoutEdge {
  from: string;
  to: string;
  label?: string;
  points: Array<{ x: number; y: number }>;
  labelX?: number;
  labelY?: number;
}

export interface DiagramLayout {
  width: number;
  height: number;
  nodes: LayoutNode[];
  edges: LayoutEdge[];
}

export const LINE_HEIGHT = 16;
export const NODE_PADDING = 10;
const CHAR_WIDTH: Record<LineRole, number> = { label: 7, function: 7.4, meta: 6.2 };
const WRAP_COLUMNS = 36;
const MIN_NODE_WIDTH = 150;
const MAX_NODE_WIDTH = 300;
const EDGE_LABEL_CHAR_WIDTH = 6.2;

/** Greedy word wrap; a single word longer than the width stays on its own line. */
export function wrapText(text: string, columns: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current && current.length + 1 + word.length > columns) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) lines.push(current);
  return lines.length > 0 ? lines : [''];
}

function nodeLines(step: DiagramStep): LayoutLine[] {
  const lines: LayoutLine[] = wrapText(step.label, WRAP_COLUMNS).map((text) => ({ text, role: 'label' as const }));
  if (step.function) lines.push({ text: `${step.function}()`, role: 'function' });
  if (step.locks && step.locks.length > 0) {
    for (const text of wrapText(`locks: ${step.locks.join(', ')}`, WRAP_COLUMNS + 6))
      lines.push({ text, role: 'meta' });
  }
  if (step.notifier) lines.push({ text: `notifier: ${step.notifier}`, role: 'meta' });
  return lines;
}

function measure(lines: LayoutLine[]): { width: number; height: number } {
  const widest = Math.max(...lines.map((line) => line.text.length * CHAR_WIDTH[line.role]));
  return {
    width: Math.round(Math.min(MAX_NODE_WIDTH, Math.max(MIN_NODE_WIDTH, widest + 2 * NODE_PADDING))),
    height: lines.length * LINE_HEIGHT + 2 * NODE_PADDING,
  };
}

export function layoutVariant(variant: DiagramVariant, highlight?: ReadonlySet<string>): DiagramLayout {
  const graph = new graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 42, edgesep: 12, marginx: 16, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));

  const prepared = new Map<string, { lines: LayoutLine[]; width: number; height: number; step: DiagramStep }>();
  for (const step of variant.steps) {
    const lines = nodeLines(step);
    const size = measure(lines);
    prepared.set(step.id, { lines, ...size, step });
    graph.setNode(step.id, { width: size.width, height: size.height });
  }
  variant.transitions.forEach((transition, index) => {
    const label = transition.label;
    graph.setEdge(
      transition.from,
      transition.to,
      label ? { label, width: Math.ceil(label.length * EDGE_LABEL_CHAR_WIDTH) + 8, height: 14, labelpos: 'c' } : {},
      `t${index}`,
    );
  });

  dagreLayout(graph);

  const nodes: LayoutNode[] = variant.steps.map((step) => {
    const info = prepared.get(step.id)!;
    const placed = graph.node(step.id) as { x: number; y: number };
    return {
      id: step.id,
      kind: step.kind ?? 'step',
      x: Math.round(placed.x - info.width / 2),
      y: Math.round(placed.y - info.height / 2),
      width: info.width,
      height: info.height,
      lines: info.lines,
      highlighted: highlight?.has(step.id) ?? false,
      step,
    };
  });
  const edges: LayoutEdge[] = variant.transitions.map((transition, index) => {
    const placed = graph.edge(transition.from, transition.to, `t${index}`) as {
      points?: Array<{ x: number; y: number }>;
      x?: number;
      y?: number;
    };
    return {
      from: transition.from,
      to: transition.to,
      label: transition.label,
      points: (placed.points ?? []).map((point) => ({ x: Math.round(point.x), y: Math.round(point.y) })),
      labelX: transition.label && placed.x !== undefined ? Math.round(placed.x) : undefined,
      labelY: transition.label && placed.y !== undefined ? Math.round(placed.y) : undefined,
    };
  });
  const size = graph.graph() as { width?: number; height?: number };
  return { width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0), nodes, edges };
}
