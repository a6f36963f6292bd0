// Three symbols that @jazzer.js/fuzzer's prebuilt addon (built against glibc 2.38 and GCC 13's libstdc++)
// needs and Debian 12 (glibc 2.36, GCC 12) lacks. scripts/fuzz/jazzerCompat.mjs builds this file into a small
// shared library preloaded into the fuzzing process, and marks the addon's two version requirements as weak,
// so the loader takes these definitions. Nothing else of the addon is changed.
#include <cstdlib>
#include <ios>

// C23's strtol/strtoul also accept a "0b" prefix when base is 0 or 2; the addon parses libFuzzer flags
// (decimal numbers) with them, which the C17 functions read the same way.
extern "C" long __isoc23_strtol(const char *text, char **end, int base) { return std::strtol(text, end, base); }
extern "C" unsigned long __isoc23_strtoul(const char *text, char **end, int base) {
  return std::strtoul(text, end, base);
}

// GCC 13 initialises the standard streams once through this function; GCC 12 does it with a static
// ios_base::Init object per translation unit, which is what this does.
namespace std {
void ios_base_library_init() { static ios_base::Init init; }
}  // namespace std
