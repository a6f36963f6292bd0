import { shippedDiagrams } from '../diagrams/loader';
import { getCatalog } from '../knowledge/catalog';
import { shippedBundledThreads } from '../lore/bundledThreads';
import { defaultLintRules } from '../lint/rules';
import { loadCallContext } from '../annotations/callContext';
import { describeError } from '../base/errors';

/**
 * Loads the shipped knowledge data (each set once per process, base/dataFiles.ts) shortly after start-up, one set per
 * turn of the event loop, so that requests arriving meanwhile wait for one set at most. Without it the first code
 * lens of a session paid for loading and checking the diagrams, the catalog and the threads (1.5-4 s on a loaded
 * 2-core machine, measured with the 6.12 tree's mm/pagewalk.c) and appeared seconds after the text, pushing it down.
 * Failures are left for the feature that needs the data to report.
 */
export function preloadShippedData(log: (message: string) => void, delayMs = 100): () => void {
  const steps: Array<[string, () => unknown]> = [
    ['diagrams', shippedDiagrams],
    ['call contexts', () => loadCallContext()],
    ['lint rules', defaultLintRules],
    ['catalog', getCatalog],
    ['bundled threads', shippedBundledThreads],
  ];
  let timer: NodeJS.Timeout | undefined = setTimeout(next, delayMs);
  let stopped = false;
  const started = performance.now();
  function next(): void {
    timer = undefined;
    const step = steps.shift();
    if (stopped) return;
    if (!step) {
      log(`knowledge data loaded in the background (${(performance.now() - started).toFixed(0)} ms)`);
      return;
    }
    try {
      step[1]();
    } catch (err) {
      log(`preloading ${step[0]} failed: ${describeError(err)}`);
    }
    setImmediate(next);
  }
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
