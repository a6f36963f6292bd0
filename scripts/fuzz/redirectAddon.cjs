// Preloaded (node --require) into the fuzzing process when the compat layer is in use: loads the patched copy
// of the Jazzer.js addon instead of the one in node_modules (which is left untouched).
'use strict';
const from = process.env.KERNEL_MM_LENS_JAZZER_ADDON;
const to = process.env.KERNEL_MM_LENS_JAZZER_ADDON_PATCHED;
if (from && to) {
  const dlopen = process.dlopen;
  process.dlopen = function (module, filename, ...rest) {
    return dlopen.call(this, module, filename === from ? to : filename, ...rest);
  };
}
