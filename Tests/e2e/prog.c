/* e2e test program (built statically by run.sh): each argument is an action.
 *   read:PATH    open PATH for reading and read it
 *   write:PATH   open PATH for writing (create) and write a line
 *   exec:PATH    run PATH (fork + execv, no arguments), wait for it
 *   attr         print /proc/self/attr/current (the confinement label)
 *   userns       create a user namespace (unshare(CLONE_NEWUSER) in a child process)
 *   uring-sqpoll set up an io_uring with a kernel polling thread (IORING_SETUP_SQPOLL)
 *   listen:PORT  listen on TCP PORT (0.0.0.0), say so, then sleep until killed
 *   audit-on     turn the kernel's syscall auditing on, as `auditctl -e 1` and one rule
 *                (`-a never,exit -F arch=b64 -S 335`, a syscall number x86_64 does not use)
 *                do: with no rule at all the kernel writes no SYSCALL records. Processes
 *                started after it get SYSCALL/CWD/PATH/PROCTITLE records beside their
 *                AppArmor records
 * Prints one line per action: "<action> ok" or "<action> denied (<errno text>)".
 * Exit status: the number of failed actions (0 = all worked). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int report(const char *what, int ok) {
    if (ok) printf("%s ok\n", what);
    else printf("%s denied (%s)\n", what, strerror(errno));
    fflush(stdout);
    return ok ? 0 : 1;
}

/* Sends one request on the audit netlink socket and reads its ack (an NLMSG_ERROR whose
 * error is 0); errno holds the kernel's error otherwise. */
static int audit_request(int fd, int type, const void *data, size_t len) {
    char msg[NLMSG_SPACE(sizeof(struct audit_rule_data))];
    memset(msg, 0, sizeof msg);
    struct nlmsghdr *h = (struct nlmsghdr *)msg;
    h->nlmsg_len = NLMSG_LENGTH(len);
    h->nlmsg_type = type;
    h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    memcpy(NLMSG_DATA(h), data, len);
    struct sockaddr_nl to = { .nl_family = AF_NETLINK };
    if (sendto(fd, msg, h->nlmsg_len, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)h->nlmsg_len) return 0;
    char reply[512];
    for (;;) {
        ssize_t n = recv(fd, reply, sizeof reply, 0);
        if (n < (ssize_t)(NLMSG_HDRLEN + sizeof(int))) return 0;
        struct nlmsghdr *r = (struct nlmsghdr *)reply;
        if (r->nlmsg_type != NLMSG_ERROR) continue;
        int err = *(int *)NLMSG_DATA(r);
        if (err == 0) return 1;
        errno = -err;
        return 0;
    }
}

int main(int argc, char **argv) {
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char buf[512];
        if (strncmp(a, "read:", 5) == 0) {
            int fd = open(a + 5, O_RDONLY);
            int ok = fd >= 0 && read(fd, buf, sizeof buf) >= 0;
            if (fd >= 0) close(fd);
            failed += report(a, ok);
        } else if (strncmp(a, "write:", 6) == 0) {
            int fd = open(a + 6, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int ok = fd >= 0 && write(fd, "e2e\n", 4) == 4;
            if (fd >= 0) close(fd);
            failed += report(a, ok);
        } else if (strncmp(a, "exec:", 5) == 0) {
            fflush(stdout);
            pid_t pid = fork();
            if (pid == 0) {
                char *args[] = { (char *)(a + 5), "attr", NULL };
                execv(a + 5, args);
                _exit(127);
            }
            int status = 0;
            waitpid(pid, &status, 0);
            errno = EACCES;
            failed += report(a, WIFEXITED(status) && WEXITSTATUS(status) == 0);
        } else if (strcmp(a, "attr") == 0) {
            int fd = open("/proc/self/attr/current", O_RDONLY);
            ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
            if (fd >= 0) close(fd);
            if (n > 0) { buf[n] = 0; printf("label: %s", buf); if (buf[n - 1] != '\n') printf("\n"); }
            failed += report(a, n > 0);
        } else if (strcmp(a, "userns") == 0) {
            fflush(stdout);
            pid_t pid = fork();
            if (pid == 0) _exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
            int status = 0;
            waitpid(pid, &status, 0);
            errno = EPERM;
            failed += report(a, WIFEXITED(status) && WEXITSTATUS(status) == 0);
        } else if (strcmp(a, "uring-sqpoll") == 0) {
            /* struct io_uring_params: 120 bytes; flags at offset 8; IORING_SETUP_SQPOLL = 2 */
            unsigned int params[30];
            memset(params, 0, sizeof params);
            params[2] = 2;
            long fd = syscall(425 /* io_uring_setup */, 4, params);
            if (fd >= 0) close((int)fd);
            failed += report(a, fd >= 0);
        } else if (strncmp(a, "listen:", 7) == 0) {
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in sa;
            memset(&sa, 0, sizeof sa);
            sa.sin_family = AF_INET;
            sa.sin_port = htons((unsigned short)atoi(a + 7));
            int ok = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(fd, 1) == 0;
            failed += report(a, ok);
            if (ok) for (;;) pause();
        } else if (strcmp(a, "audit-on") == 0) {
            struct audit_status st;
            memset(&st, 0, sizeof st);
            st.mask = AUDIT_STATUS_ENABLED;
            st.enabled = 1;
            struct audit_rule_data rule;
            memset(&rule, 0, sizeof rule);
            rule.flags = AUDIT_FILTER_EXIT;
            rule.action = AUDIT_NEVER;
            rule.field_count = 1;
            rule.fields[0] = AUDIT_ARCH;
            rule.values[0] = AUDIT_ARCH_X86_64;
            rule.fieldflags[0] = AUDIT_EQUAL;
            rule.mask[335 / 32] |= 1u << (335 % 32);
            int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
            int ok = fd >= 0 && audit_request(fd, AUDIT_SET, &st, sizeof st)
                     && audit_request(fd, AUDIT_ADD_RULE, &rule, sizeof rule);
            if (fd >= 0) close(fd);
            failed += report(a, ok);
        } else {
            fprintf(stderr, "unknown action %s\n", a);
            failed++;
        }
    }
    return failed;
}
