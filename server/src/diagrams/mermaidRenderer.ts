import { escapeMermaid, mermaidId } from './escape';
import { wrapText } from './layout';
import type { DiagramVariant } from './types';

/**
 * Mermaid `flowchart TD` text of a variant, for docs and cover letters that render Mermaid (GitHub, GitLab).
 * States are stadium-shaped, steps are boxes naming their function; highlighted steps get a class.
 */
export function renderMermaid(
  variant: DiagramVariant,
  options: { title: string; highlight?: ReadonlySet<string> },
): string {
  const lines = [`%% ${options.title.replace(/[\r\n]+/g, ' ')} (${variant.id})`, 'flowchart TD'];
  for (const step of variant.steps) {
    const label = wrapText(step.label, 40).map(escapeMermaid);
    if (step.function) label.push(`${escapeMermaid(step.function)}#40;#41;`);
    if (step.notifier) label.push(escapeMermaid(step.notifier));
    const text = label.join('<br/>');
    lines.push(step.kind === 'state' ? `  ${mermaidId(step.id)}(["${text}"])` : `  ${mermaidId(step.id)}["${text}"]`);
  }
  for (const transition of variant.transitions) {
    const arrow = transition.label ? `-->|"${escapeMermaid(transition.label)}"|` : '-->';
    lines.push(`  ${mermaidId(transition.from)} ${arrow} ${mermaidId(transition.to)}`);
  }
  const highlighted = variant.steps.filter((step) => options.highlight?.has(step.id));
  if (highlighted.length > 0) {
    lines.push('  classDef highlight stroke:#c62828,stroke-width:3px');
    lines.push(`  class ${highlighted.map((step) => mermaidId(step.id)).join(',')} highlight`);
  }
  return `${lines.join('\n')}\n`;
}
