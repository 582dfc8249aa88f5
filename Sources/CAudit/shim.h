#ifndef AASWIFT_CAUDIT_SHIM_H
#define AASWIFT_CAUDIT_SHIM_H
#include <libaudit.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <poll.h>
#endif
