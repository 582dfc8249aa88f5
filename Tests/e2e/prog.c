/* e2e test program (built statically by run.sh): each argument is an action.
 *   read:PATH    open PATH for reading and read it
 *   write:PATH   open PATH for writing (create) and write a line
 *   exec:PATH    run PATH (fork + execv, no arguments), wait for it
 *   attr         print /proc/self/attr/current (the confinement label)
 *   userns       create a user namespace (unshare(CLONE_NEWUSER) in a child process)
 *   uring-sqpoll set up an io_uring with a kernel polling thread (IORING_SETUP_SQPOLL)
 *   listen:PORT  listen on TCP PORT (0.0.0.0), say so, then sleep until killed
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
        } else {
            fprintf(stderr, "unknown action %s\n", a);
            failed++;
        }
    }
    return failed;
}
