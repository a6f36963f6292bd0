import { escapeXml } from './escape';
import { LINE_HEIGHT, NODE_PADDING } from './layout';
import type { DiagramLayout, LayoutEdge, LayoutNode } from './layout';
import type { DiagramSource } from './types';

/**
 * Draws a laid-out diagram as SVG text, with no DOM: the CLI, the server and the tests all use it.
 * Colours are SVG presentation attributes (not `style` attributes), so the standalone file looks right
 * anywhere while the webview's stylesheet can override them with theme colours under a strict CSP.
 * Nothing in the output references anything outside the document.
 */
export interface SvgOptions {
  title: string;
  /** A file on its own needs the SVG namespace; inline in HTML it must not carry any URL at all. */
  standalone: boolean;
}

const FONT_SANS = 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif';
const FONT_MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

const COLORS = {
  stepFill: '#eef3fb',
  stepStroke: '#4a6fa5',
  stateFill: '#fdf6e3',
  stateStroke: '#a57f2c',
  highlightStroke: '#c62828',
  text: '#1b1b1b',
  functionText: '#0b4f9c',
  metaText: '#5a5a5a',
  edge: '#6b6b6b',
  edgeLabelBackground: '#ffffff',
  background: '#ffffff',
};

function describeSource(source: DiagramSource): string {
  const parts: string[] = [];
  if (source.subject) parts.push(source.subject);
  if (source.thread) parts.push(`<${source.thread}>`);
  if (source.tree) parts.push(`checked in ${source.tree}`);
  return parts.join(' ');
}

/** Tooltip text of a node: label, function, note and source. */
function nodeTooltip(node: LayoutNode): string {
  const step = node.step;
  const lines = [step.label];
  if (step.function) lines.push(`Function: ${step.function}()${step.at ? ` at ${step.at}` : ''}`);
  if (step.locks?.length) lines.push(`Locks: ${step.locks.join(', ')}`);
  if (step.notifier) lines.push(`Notifier: ${step.notifier}`);
  if (step.note) lines.push(step.note);
  lines.push(`Source: ${describeSource(step.source)}`);
  return lines.join('\n');
}

function pathData(points: Array<{ x: number; y: number }>): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x},${point.y}`).join(' ');
}

function renderEdge(edge: LayoutEdge): string {
  if (edge.points.length === 0) return '';
  const parts = [
    `<g class="kml-edge" data-from="${escapeXml(edge.from)}" data-to="${escapeXml(edge.to)}">`,
    `<path d="${pathData(edge.points)}" fill="none" stroke="${COLORS.edge}" stroke-width="1.4" marker-end="url(#kml-arrow)"/>`,
  ];
  if (edge.label && edge.labelX !== undefined && edge.labelY !== undefined) {
    const width = Math.ceil(edge.label.length * 6.2) + 8;
    parts.push(
      `<rect class="kml-edge-label-bg" x="${edge.labelX - width / 2}" y="${edge.labelY - 8}" width="${width}" height="16" rx="3" fill="${COLORS.edgeLabelBackground}" fill-opacity="0.9"/>`,
      `<text class="kml-edge-label" x="${edge.labelX}" y="${edge.labelY + 4}" text-anchor="middle" font-size="11" fill="${COLORS.metaText}">${escapeXml(edge.label)}</text>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}

function renderNode(node: LayoutNode): string {
  const isState = node.kind === 'state';
  const classes = ['kml-node', isState ? 'kml-state' : 'kml-step', node.highlighted ? 'kml-highlight' : '']
    .filter(Boolean)
    .join(' ');
  const stroke = node.highlighted ? COLORS.highlightStroke : isState ? COLORS.stateStroke : COLORS.stepStroke;
  const fill = isState ? COLORS.stateFill : COLORS.stepFill;
  const accessibleName = node.step.function ? `${node.step.label} (${node.step.function})` : node.step.label;
  const parts = [
    `<g class="${classes}" data-step="${escapeXml(node.id)}"${node.step.function ? ` data-function="${escapeXml(node.step.function)}"` : ''} tabindex="0" role="button" aria-label="${escapeXml(accessibleName)}">`,
    `<title>${escapeXml(nodeTooltip(node))}</title>`,
    `<rect class="kml-box" x="${node.x}" y="${node.y}" width="${node.width}" height="${node.height}" rx="${isState ? 16 : 4}" fill="${fill}" stroke="${stroke}" stroke-width="${node.highlighted ? 3 : 1.4}"/>`,
    `<text x="${node.x + node.width / 2}" text-anchor="middle">`,
  ];
  node.lines.forEach((line, index) => {
    const y = node.y + NODE_PADDING + LINE_HEIGHT * index + 12;
    const font =
      line.role === 'function'
        ? `font-family="${FONT_MONO}" font-size="12" font-weight="600" fill="${COLORS.functionText}"`
        : line.role === 'meta'
          ? `font-size="10.5" fill="${COLORS.metaText}"`
          : `font-size="12" fill="${COLORS.text}"`;
    parts.push(
      `<tspan class="kml-${line.role}" x="${node.x + node.width / 2}" y="${y}" ${font}>${escapeXml(line.text)}</tspan>`,
    );
  });
  parts.push('</text></g>');
  return parts.join('');
}

export function renderSvg(layout: DiagramLayout, options: SvgOptions): string {
  const width = Math.max(layout.width, 1);
  const height = Math.max(layout.height, 1);
  const namespace = options.standalone ? ' xmlns="http://www.w3.org/2000/svg"' : '';
  return [
    options.standalone ? '<?xml version="1.0" encoding="UTF-8"?>\n' : '',
    `<svg${namespace} class="kml-diagram" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="group" aria-label="${escapeXml(options.title)}" font-family="${FONT_SANS}">`,
    `<title>${escapeXml(options.title)}</title>`,
    '<defs><marker id="kml-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">',
    `<path class="kml-arrowhead" d="M0,0 L10,5 L0,10 z" fill="${COLORS.edge}"/></marker></defs>`,
    options.standalone
      ? `<rect class="kml-background" width="${width}" height="${height}" fill="${COLORS.background}"/>`
      : '',
    `<g class="kml-edges">${layout.edges.map(renderEdge).join('')}</g>`,
    `<g class="kml-nodes">${layout.nodes.map(renderNode).join('')}</g>`,
    '</svg>\n',
  ].join('');
}
