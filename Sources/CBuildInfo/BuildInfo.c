// See include/CBuildInfo.h. `make build-info` (a step of `make build`, `make release` and
// everything that builds) writes .build/aaswift-build-info.h with the two values; a plain
// `swift build` without it gives "unknown".
#include "CBuildInfo.h"

#if __has_include("../../.build/aaswift-build-info.h")
#include "../../.build/aaswift-build-info.h"
#endif

#ifndef AASWIFT_BUILD_COMMIT
#define AASWIFT_BUILD_COMMIT "unknown"
#endif
#ifndef AASWIFT_BUILD_LIBAPPARMOR
#define AASWIFT_BUILD_LIBAPPARMOR "unknown"
#endif

const char *aaswift_build_commit(void) { return AASWIFT_BUILD_COMMIT; }
const char *aaswift_build_libapparmor(void) { return AASWIFT_BUILD_LIBAPPARMOR; }
