"""Benchmark target: many threads, half of them computing and half asleep, for a sampler's cost per pass as the
thread count grows and the slowdown it causes. The busy threads count loop iterations; after the given seconds the
script writes the total count (the work done, which a slowed-down process does less of) to the file named by its
first argument. Prints "ready" once every thread runs.

usage: many_threads.py RESULT.txt [THREADS] [SECONDS]"""
import sys
import threading
import time

GO = threading.Event()
STOP = threading.Event()
COUNTS = []


def busy(slot):
    GO.wait()  # all threads start before any computes: a start waits for the GIL the busy ones pass around
    count = 0
    while not STOP.is_set():
        for _ in range(1000):
            count += 1
    COUNTS[slot] = count


def sleeping():
    STOP.wait()


def run(result, threads, seconds):
    workers = []
    for i in range(threads):
        if i % 2 == 0:
            COUNTS.append(0)
            workers.append(threading.Thread(target=busy, args=(len(COUNTS) - 1,), name="busy-%d" % i))
        else:
            workers.append(threading.Thread(target=sleeping, name="sleeping-%d" % i))
    for t in workers:
        t.start()
    GO.set()
    print("ready", flush=True)
    time.sleep(seconds)
    STOP.set()
    for t in workers:
        t.join()
    with open(result, "w") as out:
        out.write(str(sum(COUNTS)))


run(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200, float(sys.argv[3]) if len(sys.argv) > 3 else 5.0)
