/* The program the replay fixtures were recorded with (record.sh runs it in ../shared/vm's
 * guest under a complain-mode profile). Each argument is an action:
 *   read:PATH  write:PATH  exec:PATH (runs PATH with the argument list after a `--`)
 *   hat:NAME (change_hat through /proc/self/attr/current)  signal:PID  ptraceread:PID
 *   tcp4:PORT  udp6  unix  netlink  mount:DIR
 * Prints one line per action; exits 0. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char buf[256];
        if (strcmp(a, "--") == 0) break;
        if (!strncmp(a, "read:", 5)) {
            int fd = open(a + 5, O_RDONLY);
            if (fd >= 0) { if (read(fd, buf, sizeof buf) < 0) {} close(fd); }
        } else if (!strncmp(a, "write:", 6)) {
            int fd = open(a + 6, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) { if (write(fd, "x\n", 2) < 0) {} close(fd); }
        } else if (!strncmp(a, "exec:", 5)) {
            int j = i + 1;
            while (j < argc && strcmp(argv[j], "--")) j++;
            pid_t pid = fork();
            if (pid == 0) {
                char **args = &argv[j];
                args[0] = (char *)(a + 5);
                execv(a + 5, args);
                _exit(127);
            }
            waitpid(pid, NULL, 0);
        } else if (!strncmp(a, "hat:", 4)) {
            int fd = open("/proc/self/attr/current", O_WRONLY);
            snprintf(buf, sizeof buf, "changehat 00000000000004d2^%s", a + 4);
            if (fd >= 0) { if (write(fd, buf, strlen(buf)) < 0) perror("changehat"); close(fd); }
            fd = open("/etc/hostname", O_RDONLY);   /* a request made inside the hat */
            if (fd >= 0) close(fd);
            fd = open("/proc/self/attr/current", O_WRONLY);
            snprintf(buf, sizeof buf, "changehat 00000000000004d2^");
            if (fd >= 0) { if (write(fd, buf, strlen(buf)) < 0) {} close(fd); }
        } else if (!strncmp(a, "signal:", 7)) {
            kill(atoi(a + 7), SIGTERM);
        } else if (!strncmp(a, "ptraceread:", 11)) {
            snprintf(buf, sizeof buf, "/proc/%s/environ", a + 11);
            int fd = open(buf, O_RDONLY);
            if (fd >= 0) close(fd);
        } else if (!strncmp(a, "tcp4:", 5)) {
            int s = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(atoi(a + 5)) };
            inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
            if (s >= 0) { if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) {} close(s); }
        } else if (!strcmp(a, "udp6")) {
            int s = socket(AF_INET6, SOCK_DGRAM, 0);
            if (s >= 0) close(s);
        } else if (!strcmp(a, "unix")) {
            int s = socket(AF_UNIX, SOCK_STREAM, 0);
            if (s >= 0) close(s);
        } else if (!strcmp(a, "netlink")) {
            int s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
            if (s >= 0) close(s);
        } else if (!strncmp(a, "mount:", 6)) {
            if (mount("tmpfs", a + 6, "tmpfs", 0, NULL) == 0) umount(a + 6);
        }
        printf("%s done\n", a);
        fflush(stdout);
    }
    return 0;
}
