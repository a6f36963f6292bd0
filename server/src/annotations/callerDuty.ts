import type { KernelVersion } from '../base/kernelVersion';
import { getCatalog } from '../knowledge/catalog';
import { appliesToVersion, loadCallContext } from './callContext';

/**
 * The one line a caller of a tracked function must know, for signature help: what the call leaves the caller
 * holding (the call-context data's hint, as the inlay hints show it, for this kernel version), else the symbol
 * catalog's `callContext.after`; prefixed by what the caller must hold, from the catalog's `callContext.requires`.
 * Undefined for functions neither data set describes.
 */
export function callerDutyOf(name: string, version?: KernelVersion): string | undefined {
  let after: string | undefined;
  let requires: string | undefined;
  try {
    const entry = loadCallContext().functions.get(name);
    if (entry && appliesToVersion(entry, version)) after = entry.hint;
  } catch {
    // Call-context data unreadable: the catalog may still say something.
  }
  try {
    const tracked = getCatalog().lookup(name)?.callContext;
    after ??= tracked?.after;
    requires = tracked?.requires;
  } catch {
    // No catalog: only the call-context data speaks.
  }
  if (!after && !requires) return undefined;
  return [requires ? `needs ${requires}` : '', after ?? ''].filter(Boolean).join('; ');
}
