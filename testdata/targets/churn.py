"""Reliability target: a program whose shape never settles, for the rate of invalid samples. For the given seconds
it keeps creating new code objects (compiled functions it calls once), recursing to changing depths, starting and
stopping short-lived threads, and forking a child now and then that works briefly and exits. Prints "ready" first.
With NAMES, the new code objects take their names from that many (a program that reloads or execs the same code
again and again); without, every one is new (which a profiler must remember: its tables grow with distinct frames).

usage: churn.py [SECONDS [NAMES]]"""
import os
import sys
import threading
import time


def deep(n, payload):
    if n <= 0:
        return payload()
    return deep(n - 1, payload) + 1


NAMES = int(sys.argv[2]) if len(sys.argv) > 2 else 0


def fresh(i):
    # A new code object each time, with its own name and line table (or one of NAMES names).
    if NAMES:
        i %= NAMES
    source = "def churned_%d(x):\n    total = 0\n    for k in range(x):\n        total += k * %d\n    return total\n" % (
        i, i)
    scope = {}
    exec(compile(source, "<churn %d>" % i, "exec"), scope)
    return scope["churned_%d" % i]


def worker(stop, i):
    while not stop.is_set():
        deep(i % 30, lambda: sum(range(200)))


def main(seconds):
    end = time.monotonic() + seconds
    print("ready", flush=True)
    i = 0
    threads = []
    while time.monotonic() < end:
        i += 1
        deep(i % 50, lambda: fresh(i)(300))
        if i % 50 == 0:
            stop = threading.Event()
            t = threading.Thread(target=worker, args=(stop, i), name="churn-%d" % i)
            t.start()
            threads.append((stop, t))
        if len(threads) > 3:
            stop, t = threads.pop(0)
            stop.set()
            t.join()
        if i % 400 == 0 and hasattr(os, "fork"):
            pid = os.fork()
            if pid == 0:
                deep(20, lambda: sum(range(20000)))
                os._exit(0)
            os.waitpid(pid, 0)
    for stop, t in threads:
        stop.set()
        t.join()


main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
