import type { Definition, KernelIndex } from '../indexing/types';

/**
 * The definition of a function stored into a field (`.show = version_show`): the one in the store's own file, else
 * one the store's file can reach - a function of another file that is not static there, a header's static inline,
 * or for a table in a header any function (the `.c` file including the header compiles it). A static function of
 * another `.c` file is never what a `.c` file stores: a table macro may generate the function it stores
 * (drivers/acpi/bgrt.c's `BGRT_SHOW(version)` defines `version_show` in its body, which the index does not see), and
 * the speakup driver's static `version_show` sent Go to Implementation, `implementations` and the call hierarchy to
 * an unrelated driver (20 of the 720 `kobj_attribute.show` stores on 6.12). No definition is better than a wrong one.
 */
export function definitionOfStore(
  index: Pick<KernelIndex, 'definitionsInFile' | 'findDefinitions'>,
  store: { file: string; function: string },
  accept: (definition: Definition) => boolean,
): Definition | undefined {
  return (
    index.definitionsInFile(store.file).find((d) => d.name === store.function && accept(d)) ??
    index
      .findDefinitions(store.function)
      .find((d) => accept(d) && !(d.isStatic && store.file.endsWith('.c') && d.file.endsWith('.c')))
  );
}
