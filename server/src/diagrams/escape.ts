/** Escaping for the text the diagrams carry (data files, mail subjects) into SVG/HTML and Mermaid. */

// Characters XML 1.0 does not allow at all (a stray one makes the whole SVG unreadable).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text never carries a live link: `https://x` becomes `https[:]//x` (the webview allows no remote URL at all). */
export function defangUrls(text: string): string {
  // No word boundary before the scheme: `1https://x` is a live link to some linkifiers too (found by fuzzing).
  return text.replace(/([a-z][a-z0-9+.-]*):\/\//gi, '$1[:]//');
}

export function escapeXml(text: string): string {
  return defangUrls(text)
    .replace(XML_INVALID, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const MERMAID_ENTITIES: Record<string, string> = {
  '"': '#quot;',
  '#': '#35;',
  '<': '#lt;',
  '>': '#gt;',
  '&': '#amp;',
  '|': '#124;',
  '[': '#91;',
  ']': '#93;',
  '{': '#123;',
  '}': '#125;',
  '(': '#40;',
  ')': '#41;',
  '`': '#96;',
  ';': '#59;',
};

/** Text inside a quoted Mermaid label: every character Mermaid could read as syntax becomes an entity code. */
export function escapeMermaid(text: string): string {
  return text
    .replace(XML_INVALID, ' ')
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/["#<>&|[\]{}()`;]/g, (char) => MERMAID_ENTITIES[char]);
}

/**
 * A Mermaid node id from a step id: letters, digits and `_` only, with a prefix so it never clashes with keywords
 * (`end`).
 */
export function mermaidId(stepId: string): string {
  return `s_${stepId.replace(/[^A-Za-z0-9]/g, '_')}`;
}
