import type { IndexStatus } from '../../protocol';

/** What the status bar item shows for an index status. Pure (no `vscode`), so it is unit-tested. */
export interface StatusPresentation {
  text: string;
  tooltip: string;
  /** 'error' and 'warning' pick the status bar's error/warning background. */
  severity: 'normal' | 'warning' | 'error';
}

function count(n: number | undefined, unit: string): string | undefined {
  if (n === undefined || !Number.isFinite(n)) return undefined;
  return `${Math.round(n).toLocaleString('en-US')} ${unit}`;
}

/** 61234 -> "61.2k": the status bar has little room. */
function compact(n: number): string {
  if (!Number.isFinite(n)) return '?';
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/**
 * Server strings reach the status bar as plain text; strip codicon syntax so `$(...)` in a message cannot render icons.
 */
function plain(text: string | undefined, max = 200): string {
  if (!text) return '';
  const flat = text.replace(/\$\(/g, '$\u200b(').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** While the language server restarts (a "Restart Server", a settings or trust change, a crash it recovers from). */
export function presentRestarting(reason?: string): StatusPresentation {
  return {
    text: '$(sync~spin) MM Lens: restarting',
    tooltip: `Kernel MM Lens: restarting the language server${reason ? ` (${plain(reason)})` : ''}`,
    severity: 'normal',
  };
}

/** The lint target item: shown while `kernelMmLens.lintTargetVersion` is set (empty: the tree's own version). */
export function presentLintTarget(
  target: string | undefined,
  treeVersion?: string,
): { text: string; tooltip: string } | undefined {
  const version = plain(target, 20);
  if (!version) return undefined;
  return {
    text: `$(target) lint ${version}`,
    tooltip:
      `Removed-API lint checks the code against Linux ${version} (kernelMmLens.lintTargetVersion)` +
      `${treeVersion ? `; the tree is ${plain(treeVersion, 40)}` : ''}. ` +
      'Uses of APIs gone by then are errors. Click to change or clear the target.',
  };
}

export function presentIndexStatus(status: IndexStatus | undefined): StatusPresentation {
  const name = 'Kernel MM Lens';
  if (!status)
    return { text: '$(sync~spin) MM Lens', tooltip: `${name}: starting the language server`, severity: 'normal' };
  const version = status.kernelVersion ? `Linux ${plain(status.kernelVersion, 40)}` : undefined;
  const detail = [
    count(status.files, 'files'),
    count(status.symbols, 'symbols'),
    count(status.references, 'references'),
  ]
    .filter(Boolean)
    .join(', ');
  const menuHint = 'Click for the Kernel MM Lens commands.';
  switch (status.state) {
    case 'starting':
      return {
        text: '$(sync~spin) MM Lens',
        tooltip: `${name}: starting${status.message ? ` (${plain(status.message)})` : ''}\n${menuHint}`,
        severity: 'normal',
      };
    case 'indexing': {
      if (status.phase === 'finishing') {
        // After the last file: the query tables and the cache; a percentage would sit at 100 % meanwhile.
        return {
          text: '$(sync~spin) MM Lens: writing cache',
          tooltip: [
            `${name}: every file is read; building the query tables and writing the cache`,
            version,
            detail && `so far: ${detail}`,
            menuHint,
          ]
            .filter(Boolean)
            .join('\n'),
          severity: 'normal',
        };
      }
      const pct =
        typeof status.percent === 'number' && Number.isFinite(status.percent)
          ? `${Math.max(0, Math.min(100, Math.floor(status.percent)))}%`
          : '';
      const scanning = status.phase === 'scanning';
      return {
        text: `$(sync~spin) MM Lens: ${scanning ? 'scanning' : `indexing${pct ? ` ${pct}` : ''}`}`,
        tooltip: [
          `${name}: ${scanning ? 'listing the files of the tree' : `indexing the tree${pct ? ` (${pct})` : ''}`}`,
          version,
          detail && `so far: ${detail}`,
          plain(status.message),
          menuHint,
        ]
          .filter(Boolean)
          .join('\n'),
        severity: 'normal',
      };
    }
    case 'ready':
      return {
        text: `$(check) MM Lens${version ? ` ${version}` : ''}${status.files !== undefined ? ` · ${compact(status.files)} files` : ''}`,
        tooltip: [
          `${name}: index ready`,
          detail,
          version ? `kernel ${version}` : 'kernel version not detected',
          plain(status.message),
          menuHint,
        ]
          .filter(Boolean)
          .join('\n'),
        severity: 'normal',
      };
    case 'error':
    default:
      return {
        text: '$(error) MM Lens: index error',
        tooltip: [
          `${name}: ${plain(status.message) || 'the index could not be built'}`,
          'See the "Kernel MM Lens" output.',
          menuHint,
        ].join('\n'),
        severity: 'error',
      };
  }
}
