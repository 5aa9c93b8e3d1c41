"""Benchmark target: the same small CPU-bound unit of work (Fibonacci numbers and string building) over and over for
the given seconds, timing each unit with its thread's CPU clock, for the tracee slowdown measured in pairs: a
profiler attaches and detaches while it runs, and the units done while sampled are compared with those done while
not, in one process (same placement, same caches, same CPU frequency drift). Prints "ready" first; at the end writes
one line per unit to RESULT: its end on the monotonic clock and the CPU time it took, both in nanoseconds.

usage: paired_work.py RESULT SECONDS"""
import sys
import time


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def words(n):
    return len(" ".join(str(i) for i in range(n)))


def main(result, seconds):
    ends = []
    cpus = []
    total = 0
    print("ready", flush=True)
    stop = time.monotonic_ns() + int(seconds * 1e9)
    while True:
        c0 = time.thread_time_ns()
        total += fib(16) + words(400)
        c1 = time.thread_time_ns()
        now = time.monotonic_ns()
        ends.append(now)
        cpus.append(c1 - c0)
        if now >= stop:
            break
    with open(result, "w") as out:
        for end, cpu in zip(ends, cpus):
            out.write("%d %d\n" % (end, cpu))
    return total


main(sys.argv[1], float(sys.argv[2]))
