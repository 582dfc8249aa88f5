// What a build of aaswift was made from, for `aaswift --version`.
#ifndef AASWIFT_CBUILDINFO_H
#define AASWIFT_CBUILDINFO_H

/// The git commit the binary was built from ("unknown" when built without make).
const char *aaswift_build_commit(void);
/// The libapparmor version linked in (pkg-config's, at build time; "unknown" without make).
const char *aaswift_build_libapparmor(void);

#endif
