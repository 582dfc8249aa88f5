#ifndef AASWIFT_CAPPARMOR_SHIM_H
#define AASWIFT_CAPPARMOR_SHIM_H
#include <sys/apparmor.h>
#include <aalogparse/aalogparse.h>

/* A record's namespace. libapparmor 4.x renamed the field to `aa_namespace` (and defines
   `namespace` as a macro for it in C); 3.x calls it `namespace`. Written in C, this reads
   either. */
static inline char *aaswift_log_record_namespace(const aa_log_record *record) {
    return record->namespace;
}
#endif
