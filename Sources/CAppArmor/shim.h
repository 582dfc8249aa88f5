#ifndef AASWIFT_CAPPARMOR_SHIM_H
#define AASWIFT_CAPPARMOR_SHIM_H
#include <sys/apparmor.h>
#include <aalogparse/aalogparse.h>
#endif
