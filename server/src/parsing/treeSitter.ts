import * as fs from 'fs';
import { Parser, Language, LANGUAGE_VERSION, MIN_COMPATIBLE_VERSION } from 'web-tree-sitter';
import { wasmPath } from '../base/paths';

/**
 * Loads the pinned web-tree-sitter runtime and the tree-sitter-c grammar, once per process (or worker).
 * Both wasm files are passed as bytes so emscripten never tries fetch() or a path guess of its own.
 * An incompatible grammar ABI fails here, at start-up, with a message that says what to do.
 */
export class GrammarLoadError extends Error {}

let loading: Promise<Language> | undefined;

export function loadCLanguage(): Promise<Language> {
  loading ??= (async () => {
    const runtimePath = wasmPath('tree-sitter.wasm');
    const grammarPath = wasmPath('tree-sitter-c.wasm');
    for (const file of [runtimePath, grammarPath]) {
      if (!fs.existsSync(file)) throw new GrammarLoadError(`tree-sitter wasm not found: ${file} (run "npm run build")`);
    }
    try {
      await Parser.init({ wasmBinary: fs.readFileSync(runtimePath) });
    } catch (err) {
      throw new GrammarLoadError(`cannot start the web-tree-sitter runtime from ${runtimePath}: ${String(err)}`);
    }
    let language: Language;
    try {
      language = await Language.load(fs.readFileSync(grammarPath));
    } catch (err) {
      throw new GrammarLoadError(`cannot load the C grammar ${grammarPath}: ${String(err)}`);
    }
    const abi = language.abiVersion;
    if (abi < MIN_COMPATIBLE_VERSION || abi > LANGUAGE_VERSION) {
      throw new GrammarLoadError(
        `the C grammar has ABI ${abi} but this web-tree-sitter accepts ${MIN_COMPATIBLE_VERSION}..${LANGUAGE_VERSION}; ` +
          'web-tree-sitter and tree-sitter-c must be upgraded together (see package.json)',
      );
    }
    return language;
  })();
  return loading;
}

/** A parser set to C. The caller owns it and must call `delete()`. */
export async function createCParser(): Promise<Parser> {
  const language = await loadCLanguage();
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

export { Parser, Language };
