// glibc's GNU extensions that Swift's Glibc module does not export (it is built without
// _GNU_SOURCE): processor affinity, the current processor, memmem. The wrappers are compiled
// with _GNU_SOURCE in CGlibcExtras.c and declared here with standard types only, so Swift calls
// them as ordinary C functions, declared in this header rather than by symbol-name attributes.
#ifndef AASWIFT_CGLIBCEXTRAS_H
#define AASWIFT_CGLIBCEXTRAS_H
#include <pthread.h>
#include <stddef.h>

/// sched_getcpu(3): the processor the calling thread runs on, or -1.
int aaswift_sched_getcpu(void);
/// sched_getaffinity(2) of process `pid` (0: the caller) into `size` bytes of cpu_set_t.
int aaswift_sched_getaffinity(int pid, size_t size, void *set);
/// sched_setaffinity(2) of process `pid` (0: the calling thread).
int aaswift_sched_setaffinity(int pid, size_t size, const void *set);
/// pthread_attr_setaffinity_np(3).
int aaswift_pthread_attr_setaffinity(pthread_attr_t *attr, size_t size, const void *set);
/// memmem(3).
void *aaswift_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

#endif
