/**
 * What kind of kernel file is this? The one answer, by file name, for the index, the lint, the editor and the
 * hover. The index reads C, Kconfig and the Makefiles of the build (`Makefile`, `Kbuild`, `Makefile.*`); the
 * lint also reads the other make fragments (`Kbuild.include`, `Makefile_32.cpu`, `*.mk`) as Makefiles.
 */
export type KernelFileKind = 'c' | 'kconfig' | 'makefile' | 'make-fragment';

/** The language a kind is read as: make fragments are Makefiles. */
export type KernelFileLanguage = 'c' | 'kconfig' | 'makefile';

/** Kind of a file by its name (a base name, or a path with '/' or '\' separators); undefined: none of ours. */
export function kernelFileKind(fileName: string): KernelFileKind | undefined {
  const name = baseName(fileName);
  if (name.endsWith('.c') || name.endsWith('.h')) return 'c';
  if (name.startsWith('Kconfig')) return 'kconfig';
  if (name === 'Makefile' || name === 'Kbuild' || name.startsWith('Makefile.')) return 'makefile';
  if (name.startsWith('Makefile') || name.startsWith('Kbuild') || name.endsWith('.mk')) return 'make-fragment';
  return undefined;
}

/** The files the index reads. */
export function isIndexedFile(fileName: string): boolean {
  const kind = kernelFileKind(fileName);
  return kind !== undefined && kind !== 'make-fragment';
}

export function languageOfKind(kind: KernelFileKind): KernelFileLanguage {
  return kind === 'make-fragment' ? 'makefile' : kind;
}

/** A Kconfig file (its names are written without `CONFIG_`). */
export function isKconfigFile(fileName: string): boolean {
  return kernelFileKind(fileName) === 'kconfig';
}

function baseName(fileName: string): string {
  return fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
}

const ARCH_PREFIX = /^arch\/([^/]+)\//;

/**
 * The architecture of a tree-relative path (`arch/<name>/...`), or undefined for generic code (and for no path).
 * The one copy for the front ends, the index, definition order and the bench; the `startsWith` test first
 * because definitions are built per caller on hot paths (incoming calls) and most paths are not under arch/.
 */
export function archOfPath(file: string | undefined): string | undefined {
  return file?.startsWith('arch/') ? ARCH_PREFIX.exec(file)?.[1] : undefined;
}
