import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIndexedFile, isKconfigFile, kernelFileKind, languageOfKind } from '../../server/src/parsing/kernelFiles';

test('one answer to "what kind of kernel file is this?"', () => {
  const cases: Array<[string, ReturnType<typeof kernelFileKind>, boolean]> = [
    ['mm/rmap.c', 'c', true],
    ['include/linux/mm.h', 'c', true],
    ['mm/Kconfig', 'kconfig', true],
    ['lib/Kconfig.debug', 'kconfig', true],
    ['mm/Makefile', 'makefile', true],
    ['mm/Kbuild', 'makefile', true],
    ['scripts/Makefile.build', 'makefile', true],
    ['scripts/Kbuild.include', 'make-fragment', false],
    ['arch/x86/Makefile_32.cpu', 'make-fragment', false],
    ['tools/scripts/utilities.mk', 'make-fragment', false],
    ['Documentation/mm/hmm.rst', undefined, false],
    ['mm/rmap.o', undefined, false],
    ['C:\\linux\\mm\\Kconfig', 'kconfig', true],
  ];
  for (const [file, kind, indexed] of cases) {
    assert.equal(kernelFileKind(file), kind, file);
    assert.equal(isIndexedFile(file), indexed, file);
  }
  assert.equal(languageOfKind('make-fragment'), 'makefile');
  assert.ok(isKconfigFile('arch/arm64/Kconfig.platforms'));
  assert.equal(isKconfigFile('mm/Makefile'), false);
});
