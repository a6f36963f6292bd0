import type { AccuracyReport, Ratio } from './navigationAccuracy';

/** The navigation-accuracy report as the plain-text tables the bench prints. */
export function formatAccuracyReport(report: AccuracyReport): string {
  const out: string[] = [];
  const pct = (r: Ratio | undefined) => (r && r.total > 0 ? `${((100 * r.hit) / r.total).toFixed(1)}%` : '-');
  const frac = (r: Ratio | undefined) => (r && r.total > 0 ? (r.hit / r.total).toFixed(4) : '-');
  const n = (r: Ratio | undefined) => (r ? `${r.hit}/${r.total}` : '-');
  const row = (cells: string[], widths: number[]) =>
    cells
      .map((c, k) => c.padEnd(widths[k] ?? 10))
      .join(' ')
      .trimEnd();
  const tools = Object.entries(report.tools)
    .map(([tool, version]) => `${tool} ${version ?? 'not installed'}`)
    .join('; ');

  out.push(`Navigation accuracy on ${report.root} (seed ${report.seed})`);
  out.push(`${report.files.c} C files (${report.files.skippedLarge} larger than 2 MB left out); ${tools}`);
  out.push(`excluded from the truth: ${report.excluded.join('; ')}`);
  for (const line of report.skipped) out.push(`skipped: ${line}`);

  if (report.clangd) {
    const c = report.clangd;
    out.push('');
    out.push(
      `First definition vs clangd (compile database of an LLVM=1 x86_64 build), ${c.positions} clicked positions in mm/*.c and fs/dax.c`,
    );
    out.push(
      `  rule: right when our first location is on clangd's file and line; ${c.unresolved} of ${c.asked} candidates clangd could not resolve were dropped`,
    );
    if (report.kernelConfig)
      out.push(
        `  our server's kernelConfig: ${report.kernelConfig}${report.kernelConfig === 'all' ? ' (every #if branch live)' : ' (definitions compiled in that configuration first)'}`,
      );
    if (c.kconfigRule?.n)
      out.push(
        `  CONFIG_ symbols: clangd answers the build's generated autoconf.h; right when our first location is the symbol's config entry in a Kconfig file (${c.kconfigRule.first} of ${c.kconfigRule.n} first)`,
      );
    const widths = [16, 6, 12, 12, 12, 10];
    out.push(row(['class', 'n', 'first right', 'only right', 'any right', 'no answer'], widths));
    let n = 0;
    let first = 0;
    let any = 0;
    for (const [cls, s] of Object.entries(c.byClass)) {
      n += s.n;
      first += s.first;
      any += s.any;
      out.push(
        row(
          [
            cls,
            String(s.n),
            pct({ hit: s.first, total: s.n }),
            pct({ hit: s.only, total: s.n }),
            pct({ hit: s.any, total: s.n }),
            pct({ hit: s.none, total: s.n }),
          ],
          widths,
        ),
      );
    }
    out.push(
      row(['all (stratified)', String(n), pct({ hit: first, total: n }), '', pct({ hit: any, total: n }), ''], widths),
    );
    if (c.asUsersClick) {
      const mix = Object.entries(c.asUsersClick.mix)
        .map(([cls, share]) => `${cls} ${(100 * share).toFixed(0)}%`)
        .join(', ');
      out.push(
        row(['as users click', '', `${(100 * c.asUsersClick.firstRight).toFixed(1)}%`, '', '', ''], widths) +
          `  (classes weighted by their share of ${c.asUsersClick.mixSample} unbiased clicks: ${mix})`,
      );
    }
    out.push(
      row(
        [
          'declaration-only',
          String(c.declarationOnly.n),
          c.declarationOnly.judged === false
            ? 'not judged'
            : pct({ hit: c.declarationOnly.first, total: c.declarationOnly.n }),
          '',
          '',
        ],
        widths,
      ) + '  (clangd knew only a prototype: right when our first location is a ctags definition, generic or x86)',
    );
    for (const [cls, r] of Object.entries(c.scopedReferences ?? {})) {
      if (r.n === 0) continue;
      out.push(
        `  references of a ${cls}: equal to clangd's ${pct({ hit: r.exact, total: r.n })} of ${r.n}; ` +
          `all inside its function ${pct({ hit: r.inScope, total: r.withScope })} of ${r.withScope}`,
      );
    }
  }

  if (report.names) {
    const s = report.names;
    out.push('');
    out.push(
      `Names: ${s.count} judged, sampled by category (up to ${s.perCategory} each, seed ${report.seed}); references vs the token truth, definitions vs ctags / generator lines`,
    );
    if (s.skippedNames.length > 0)
      out.push(`  not judged (no occurrence outside exclusions): ${s.skippedNames.join(', ')}`);
    const widths = [14, 5, 10, 10, 10, 12, 10, 10];
    out.push(
      row(['category', 'n', 'refs rec', 'refs prec', 'def found', 'first kind', 'ws exact', 'ws fuzzy'], widths),
    );
    for (const [category, c] of Object.entries(s.byCategory)) {
      out.push(
        row(
          [
            category,
            String(c.n),
            frac(c.refRecall),
            frac(c.refPrecision),
            pct(c.defFound),
            pct(c.firstRightKind),
            pct(c.wsExact),
            pct(c.wsFuzzy),
          ],
          widths,
        ),
      );
    }
    const r = s.references;
    out.push('');
    const w2 = [34, 22, 22, 22];
    out.push(row(['measure', 'kernel-mm-lens', 'GNU global', 'cscope'], w2));
    out.push(row(['references recall (token)', `${frac(r.ours.recall)} (${n(r.ours.recall)})`, '-', '-'], w2));
    out.push(row(['references precision (token)', `${frac(r.ours.precision)} (${n(r.ours.precision)})`, '-', '-'], w2));
    out.push(
      row(['references recall (line)', frac(r.ours.lineRecall), frac(r.global?.recall), frac(r.cscope?.recall)], w2),
    );
    out.push(
      row(
        [
          'references precision (line)',
          frac(r.ours.linePrecision),
          frac(r.global?.precision),
          frac(r.cscope?.precision),
        ],
        w2,
      ),
    );
    out.push(
      row(
        [
          'definition found',
          pct(s.definitions.ours.found),
          pct(s.definitions.global?.found),
          pct(s.definitions.cscope?.found),
        ],
        w2,
      ),
    );
    out.push(
      row(
        [
          'first answer of the right kind',
          pct(s.definitions.ours.firstRightKind),
          pct(s.definitions.global?.firstRightKind),
          pct(s.definitions.cscope?.firstRightKind),
        ],
        w2,
      ),
    );
    out.push(row(['workspace symbol top-5, exact', pct(s.workspaceSymbol.exact), '-', '-'], w2));
    out.push(row(['workspace symbol top-5, initials', pct(s.workspaceSymbol.fuzzy), '-', '-'], w2));
    if (s.incomingCalls)
      out.push(
        row(
          [
            'incoming-call recall vs cscope -L3',
            `${frac(s.incomingCalls.recall)} (${s.incomingCalls.names} names)`,
            '-',
            'truth',
          ],
          w2,
        ),
      );
    if (s.incomingCalls?.kvfreeMs !== undefined)
      out.push(row(['incoming calls of kvfree (ms)', s.incomingCalls.kvfreeMs.toFixed(0), '-', '-'], w2));
    out.push(`  our locations outside .c/.h files, not judged: ${r.ours.outsideC}`);
    if (s.worst.length > 0)
      out.push(
        `  lowest recall x precision: ${s.worst
          .slice(0, 8)
          .map(
            (w) =>
              `${w.name} (${w.category}: ${w.recall.toFixed(3)}/${w.precision.toFixed(3)}, truth ${w.truth}, ours ${w.ours})`,
          )
          .join('; ')}`,
      );
  }

  if (report.semantics) {
    const s = report.semantics;
    out.push('');
    out.push("Completion and signature help on the tree's own code (mm/*.c, fs/dax.c; issue 18)");
    const m = s.memberCompletion;
    out.push(
      `  member completion (the member deleted, cursor after -> or .): lists the member ${pct({ hit: m.containsMember, total: m.n })}, fields only ${pct({ hit: m.onlyFields, total: m.n })} of ${m.n}`,
    );
    const g = s.signatureHelp;
    out.push(
      `  signature help inside calls: answered ${pct({ hit: g.answered, total: g.n })}, parameters = the call's arguments ${pct({ hit: g.parameterCount, total: g.n })}, active parameter right ${pct({ hit: g.activeParameter, total: g.n })} of ${g.n}`,
    );
    for (const [method, l] of Object.entries(s.latency))
      out.push(
        method === 'firstAfterOpen'
          ? `  first request on a just-opened file (the whole parse included): p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms (${l.count} files)`
          : `  ${method} while typing (file parsed, incremental edits): p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms (${l.count} requests; target p99 <= 50 ms)`,
      );
    for (const probe of s.probes) out.push(`  ${probe.ok ? 'PASS' : 'FAIL'} ${probe.name}: ${probe.detail}`);
    if (m.misses.length) out.push(`  member completion misses: ${m.misses.slice(0, 6).join('; ')}`);
    if (g.misses.length) out.push(`  signature help misses: ${g.misses.slice(0, 6).join('; ')}`);
  }

  out.push('');
  out.push('Request latency over LSP (ms)');
  const w3 = [36, 7, 9, 9, 9];
  out.push(row(['request', 'count', 'p50', 'p99', 'max'], w3));
  for (const [method, l] of Object.entries(report.latency).sort()) {
    out.push(row([method, String(l.count), l.p50.toFixed(1), l.p99.toFixed(1), l.max.toFixed(1)], w3));
  }
  if (report.indexReadyMs !== undefined)
    out.push(`index ready over LSP after ${(report.indexReadyMs / 1000).toFixed(1)} s`);
  if (report.warmStart) {
    const w = report.warmStart;
    out.push(
      `editor warm start: first correct definition of ${w.symbol} from ${w.file} ${(w.median / 1000).toFixed(2)} s after spawn (median of ${w.runs.length}: ${w.runs.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s; target <= 2 s)`,
    );
  }
  return `${out.join('\n')}\n`;
}
