// See include/CGlibcExtras.h.
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include "CGlibcExtras.h"

int aaswift_sched_getcpu(void) { return sched_getcpu(); }

int aaswift_sched_getaffinity(int pid, size_t size, void *set) {
    return sched_getaffinity(pid, size, (cpu_set_t *)set);
}

int aaswift_sched_setaffinity(int pid, size_t size, const void *set) {
    return sched_setaffinity(pid, size, (const cpu_set_t *)set);
}

int aaswift_pthread_attr_setaffinity(pthread_attr_t *attr, size_t size, const void *set) {
    return pthread_attr_setaffinity_np(attr, size, (const cpu_set_t *)set);
}

void *aaswift_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}
