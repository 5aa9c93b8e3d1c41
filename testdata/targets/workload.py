"""Benchmark target: a fixed CPU-bound workload (recursive Fibonacci numbers and string building, the same work on
every run), for the tracee slowdown a profiler causes. It writes the CPU time the whole process spent on the work
(time.process_time) to the file named by its first argument; run it alone and under a profiler and compare.

usage: workload.py RESULT.txt [ROUNDS]"""
import sys
import time


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def words(n):
    return len(" ".join(str(i) for i in range(n)))


def work(rounds):
    total = 0
    for _ in range(rounds):
        total += fib(20)
        total += words(2000)
    return total


START = time.process_time()
work(int(sys.argv[2]) if len(sys.argv) > 2 else 1500)
with open(sys.argv[1], "w") as out:
    out.write(repr(time.process_time() - START))
