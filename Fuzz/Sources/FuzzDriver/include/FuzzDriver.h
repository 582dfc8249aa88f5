#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer on the target's LLVMFuzzerTestOneInput (defined in Swift with @_cdecl).
/// SwiftPM gives every executable its own entry point, so libFuzzer's main is not used; this
/// hands the command line to libFuzzer's driver instead.
int aaswift_fuzz_main(int argc, char **argv);
