// Makes Jazzer.js's native fuzzer load on this machine, or says exactly why it cannot.
//
// @jazzer.js/core 4.0.0 installs offline (its libFuzzer addon ships prebuilt inside the npm package; the older
// 1.x/2.x releases download their addon from GitHub at install time, which cannot work here). The prebuilt
// Linux addon was linked against glibc 2.38 and GCC 13's libstdc++, and asks for three symbols Debian 12's
// glibc 2.36 / libstdc++ (GCC 12) lack: __isoc23_strtol and __isoc23_strtoul (GLIBC_2.38) and
// std::ios_base_library_init (GLIBCXX_3.4.32). The npm package has no C++ sources to rebuild it from.
//
// So, only when loading fails for exactly that reason, we:
//   1. compile scripts/fuzz/glibc-compat.cc (the three symbols, a few lines) into a shared library;
//   2. copy the addon and mark its two version requirements GLIBC_2.38 and GLIBCXX_3.4.32 weak
//      (VER_FLG_WEAK in .gnu.version_r: the loader then accepts their absence instead of refusing the file);
//   3. run the fuzzer with the library preloaded (LD_PRELOAD) and a --require hook that loads the patched copy.
// node_modules is never modified; everything lives in a cache folder keyed by the addon's hash.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const MISSING_VERSIONS = ['GLIBC_2.38', 'GLIBCXX_3.4.32'];
const VER_FLG_WEAK = 2;
const SHT_GNU_VERNEED = 0x6ffffffe;

/** The prebuilt addon Jazzer.js loads on this platform. */
export function addonPath(root) {
  const require = createRequire(join(root, 'package.json'));
  const fuzzerPackage = dirname(require.resolve('@jazzer.js/fuzzer/package.json'));
  return join(fuzzerPackage, 'prebuilds', `fuzzer-${process.platform}-${process.arch}.node`);
}

/** Loads the addon in a child process with `env`: { ok } or { ok: false, message }. */
function probe(root, env) {
  const result = spawnSync(process.execPath, ['-e', "require('@jazzer.js/fuzzer')"], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status === 0) return { ok: true };
  const line = /Error: .*/.exec(result.stderr ?? '')?.[0] ?? `exit ${result.status ?? result.signal}`;
  return { ok: false, message: line };
}

/**
 * Sets VER_FLG_WEAK on the version requirements named in `names` (an ELF64 little-endian shared object).
 * Returns the names it marked.
 */
export function markVersionRequirementsWeak(elf, names) {
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) throw new Error('not an ELF64 LE file');
  const sectionTable = Number(elf.readBigUInt64LE(0x28));
  const entrySize = elf.readUInt16LE(0x3a);
  const count = elf.readUInt16LE(0x3c);
  const section = (i) => {
    const at = sectionTable + i * entrySize;
    return {
      type: elf.readUInt32LE(at + 4),
      offset: Number(elf.readBigUInt64LE(at + 0x18)),
      link: elf.readUInt32LE(at + 0x28),
      info: elf.readUInt32LE(at + 0x2c),
    };
  };
  const marked = [];
  for (let i = 0; i < count; i++) {
    const needs = section(i);
    if (needs.type !== SHT_GNU_VERNEED) continue;
    const strings = section(needs.link).offset;
    let need = needs.offset;
    for (let n = 0; n < needs.info; n++) {
      const auxCount = elf.readUInt16LE(need + 2);
      let aux = need + elf.readUInt32LE(need + 8);
      for (let k = 0; k < auxCount; k++) {
        const nameStart = strings + elf.readUInt32LE(aux + 8);
        const name = elf.toString('latin1', nameStart, elf.indexOf(0, nameStart));
        if (names.includes(name)) {
          elf.writeUInt16LE(elf.readUInt16LE(aux + 4) | VER_FLG_WEAK, aux + 4);
          marked.push(name);
        }
        aux += elf.readUInt32LE(aux + 12);
      }
      need += elf.readUInt32LE(need + 12);
    }
  }
  return marked;
}

/**
 * { ok: true, env, note } with the environment the jazzer process needs (the caller's env extended), or
 * { ok: false, reason } saying why Jazzer.js cannot run here.
 */
export function prepareJazzer(root, baseEnv = process.env) {
  let addon;
  try {
    addon = addonPath(root);
  } catch {
    return { ok: false, reason: '@jazzer.js/core is not installed (npm ci installs it as a dev dependency)' };
  }
  if (!existsSync(addon))
    return { ok: false, reason: `Jazzer.js ships no prebuilt fuzzer for ${process.platform}-${process.arch}` };
  const direct = probe(root, baseEnv);
  if (direct.ok) return { ok: true, env: { ...baseEnv }, note: 'Jazzer.js native fuzzer loads as shipped' };
  if (!/GLIBC_2\.38|GLIBCXX_3\.4\.32/.test(direct.message)) {
    return { ok: false, reason: `the Jazzer.js native fuzzer does not load: ${direct.message}` };
  }
  const bytes = readFileSync(addon);
  const key = createHash('sha1').update(bytes).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `kernel-mm-lens-jazzer-compat-${key}`);
  const shim = join(dir, 'libglibc-compat.so');
  const patched = join(dir, 'fuzzer.node');
  try {
    mkdirSync(dir, { recursive: true });
    if (!existsSync(shim)) {
      const compiler = spawnSync(
        'c++',
        ['-shared', '-fPIC', '-O2', '-o', `${shim}.tmp`, join(here, 'glibc-compat.cc')],
        {
          encoding: 'utf8',
        },
      );
      if (compiler.error || compiler.status !== 0) {
        return {
          ok: false,
          reason:
            `the Jazzer.js fuzzer needs glibc 2.38 and a C++ compiler to build its compat library is missing or failed ` +
            `(${compiler.error?.message ?? compiler.stderr.trim().split('\n')[0]}); run scripts/install-fuzz.sh`,
        };
      }
      copyFileSync(`${shim}.tmp`, shim);
    }
    if (!existsSync(patched)) {
      const copy = Buffer.from(bytes);
      const marked = markVersionRequirementsWeak(copy, MISSING_VERSIONS);
      if (marked.length === 0) return { ok: false, reason: `the Jazzer.js fuzzer does not load: ${direct.message}` };
      writeFileSync(`${patched}.tmp`, copy);
      copyFileSync(`${patched}.tmp`, patched);
    }
  } catch (error) {
    return { ok: false, reason: `could not prepare the Jazzer.js compat layer in ${dir}: ${error.message}` };
  }
  const preload = [baseEnv.LD_PRELOAD, shim].filter(Boolean).join(' ');
  const nodeOptions = [baseEnv.NODE_OPTIONS, `--require ${join(here, 'redirectAddon.cjs')}`].filter(Boolean).join(' ');
  const env = {
    ...baseEnv,
    LD_PRELOAD: preload,
    NODE_OPTIONS: nodeOptions,
    KERNEL_MM_LENS_JAZZER_ADDON: addon,
    KERNEL_MM_LENS_JAZZER_ADDON_PATCHED: patched,
  };
  const again = probe(root, env);
  if (!again.ok)
    return { ok: false, reason: `the Jazzer.js fuzzer does not load even with the compat layer: ${again.message}` };
  return {
    ok: true,
    env,
    note: 'Jazzer.js native fuzzer loads through the glibc 2.36 compat layer (scripts/fuzz/jazzerCompat.mjs)',
  };
}
