/* spawn-ab RUNS "COMMAND A" "COMMAND B" ...: runs the commands in turn, A B A B ..., RUNS times
 * each, and prints one line per command: `median min max` wall time in microseconds, from
 * posix_spawn to the end of waitpid. Taking them in turn, not each in a block of its own,
 * keeps a machine whose speed drifts (a shared host, frequency scaling) from favouring either
 * side; the median keeps one slow run from moving the figure. A command is split at spaces
 * (no quoting); its output goes to /dev/null. Used by bench-status.sh, whose runs last about a
 * millisecond: a shell loop's own cost would be a third of that.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

enum { MAX_COMMANDS = 8, MAX_ARGS = 32 };

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 3 || argc - 2 > MAX_COMMANDS) {
        fprintf(stderr, "usage: spawn-ab RUNS COMMAND... (at most %d commands)\n", MAX_COMMANDS);
        return 2;
    }
    int runs = atoi(argv[1]), count = argc - 2;
    if (runs < 1) return 2;
    char *args[MAX_COMMANDS][MAX_ARGS + 1];
    for (int c = 0; c < count; c++) {
        int n = 0;
        for (char *word = strtok(strdup(argv[c + 2]), " "); word && n < MAX_ARGS; word = strtok(NULL, " "))
            args[c][n++] = word;
        args[c][n] = NULL;
        if (n == 0) return 2;
    }
    double *times = calloc((size_t)runs * count, sizeof *times);
    posix_spawn_file_actions_t quiet;
    posix_spawn_file_actions_init(&quiet);
    posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);
    for (int r = 0; r < runs; r++) {
        for (int c = 0; c < count; c++) {
            struct timespec start, end;
            pid_t pid;
            int status;
            clock_gettime(CLOCK_MONOTONIC, &start);
            if (posix_spawnp(&pid, args[c][0], &quiet, NULL, args[c], environ) != 0) {
                perror(args[c][0]);
                return 1;
            }
            waitpid(pid, &status, 0);
            clock_gettime(CLOCK_MONOTONIC, &end);
            times[c * runs + r] = (end.tv_sec - start.tv_sec) * 1e6 + (end.tv_nsec - start.tv_nsec) / 1e3;
        }
    }
    for (int c = 0; c < count; c++) {
        double *t = times + c * runs;
        qsort(t, runs, sizeof *t, compare);
        printf("%.1f %.1f %.1f\n", t[runs / 2], t[0], t[runs - 1]);
    }
    return 0;
}
