import { CLANGD_COEXISTENCE_MODES, DEFAULT_SETTINGS, type KernelMmLensSettings } from '../../../protocol';
import { parseKernelVersion, type KernelVersion, type MakefileVersion } from '../base/kernelVersion';

/**
 * Overlays settings from the client on a base, keeping only known keys with the right type,
 * so a typo or a wrong type in a user's settings.json never reaches the features.
 */
export function mergeSettings(base: KernelMmLensSettings, incoming: unknown): KernelMmLensSettings {
  const result: KernelMmLensSettings = { ...base };
  if (!incoming || typeof incoming !== 'object') return result;
  const record = incoming as Record<string, unknown>;
  const out = result as unknown as Record<string, unknown>;
  for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof KernelMmLensSettings>) {
    const value = record[key];
    if (value === undefined || value === null) continue;
    const expected = DEFAULT_SETTINGS[key];
    if (Array.isArray(expected)) {
      if (Array.isArray(value)) out[key] = value.filter((item) => typeof item === 'string');
    } else if (typeof expected === 'object') {
      if (typeof value === 'object' && !Array.isArray(value)) out[key] = { ...value };
    } else if (typeof value === typeof expected) {
      out[key] = value;
    }
  }
  // An enumerated setting keeps its previous value when the client sends something else.
  if (!(CLANGD_COEXISTENCE_MODES as readonly string[]).includes(result.clangdCoexistence))
    result.clangdCoexistence = base.clangdCoexistence;
  return result;
}

/**
 * ServerContext.kernelVersion: `override` when it parses (the lint's target version), else the `kernelVersion`
 * setting, else the tree's top-level Makefile (read once, re-read when it changes).
 */
export function kernelVersionResolver(
  settings: () => KernelMmLensSettings,
  makefile: MakefileVersion,
): (override?: string) => KernelVersion | undefined {
  return (override) =>
    parseKernelVersion(override || undefined) ??
    parseKernelVersion(settings().kernelVersion || undefined) ??
    makefile.current();
}
