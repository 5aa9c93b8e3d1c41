/*
 * The floor under "profiler CPU/s at 100us" on this machine (docs/bench.py, figure "floor"): the smallest loop a
 * sampler can be, in C. Every tick it makes one process_vm_readv of RANGES ranges of BYTES bytes, STRIDE bytes apart
 * from ADDRESS in process PID (what one pass of ours reads for a two-thread target), then sleeps to the next absolute
 * deadline with a 1 us timer slack (as our sampling thread does). No walking, no output. It prints its own CPU time
 * (user + system) per wall second: what waking up and reading cost here, whatever the sampler's language.
 *
 * usage: cpu_floor PID ADDRESS SECONDS INTERVAL_US RANGES BYTES STRIDE
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <time.h>

#define MAX_RANGES 64

static double seconds_of(struct timeval t) {
    return t.tv_sec + t.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: cpu_floor PID ADDRESS SECONDS INTERVAL_US RANGES BYTES STRIDE\n");
        return 2;
    }
    pid_t pid = (pid_t) atoi(argv[1]);
    unsigned long address = strtoul(argv[2], NULL, 0);
    double seconds = atof(argv[3]);
    long interval_ns = atol(argv[4]) * 1000L;
    int ranges = atoi(argv[5]);
    size_t bytes = (size_t) atol(argv[6]);
    unsigned long stride = strtoul(argv[7], NULL, 0);
    if (ranges < 1 || ranges > MAX_RANGES || bytes == 0 || interval_ns <= 0) {
        fprintf(stderr, "cpu_floor: bad arguments\n");
        return 2;
    }
    char *buffer = malloc(ranges * bytes);
    struct iovec local[MAX_RANGES], remote[MAX_RANGES];
    for (int i = 0; i < ranges; i++) {
        local[i].iov_base = buffer + i * bytes;
        local[i].iov_len = bytes;
        remote[i].iov_base = (void *) (address + i * stride);
        remote[i].iov_len = bytes;
    }
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    struct timespec start, deadline, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    deadline = start;
    long ticks = 0, failed = 0;
    for (;;) {
        if (process_vm_readv(pid, local, ranges, remote, ranges, 0) < 0) {
            failed++;
        }
        ticks++;
        deadline.tv_nsec += interval_ns;
        while (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_nsec -= 1000000000L;
            deadline.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
        clock_gettime(CLOCK_MONOTONIC, &now);
        double elapsed = (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9;
        if (elapsed >= seconds) {
            struct rusage usage;
            getrusage(RUSAGE_SELF, &usage);
            double cpu = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
            printf("%.4f %ld %ld\n", cpu / elapsed, ticks, failed);
            return failed == ticks ? 1 : 0;
        }
    }
}
