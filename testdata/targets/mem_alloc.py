"""A memory target: grows the resident set in 4 MB steps and releases it again, three times over.

With an argument it also measures itself for the tests: it holds the interpreter for 100 ms in `steady` before
the work, between the work and its last measure, and after it (so that a sampler reads the resident set then,
even one that fell behind for a while), and writes its own resident set size in bytes (from /proc/self/statm)
after the first steady phase and after the second, as "first last", to that file.

usage: mem_alloc.py [RSS_FILE]"""
import sys
import time


def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def grow(blocks):
    blocks.append(bytearray(4_000_000))
    blocks[-1][::4096] = b"x" * len(blocks[-1][::4096])  # touch every page so that it becomes resident


def shrink(blocks):
    blocks.pop()


def run():
    blocks = []
    for _ in range(3):
        for _ in range(5):
            grow(blocks)
            time.sleep(0.005)
        for _ in range(5):
            shrink(blocks)
            time.sleep(0.005)


def steady(seconds):
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        pass


if len(sys.argv) > 1:
    steady(0.1)
    FIRST = rss()
    run()
    steady(0.1)
    LAST = rss()
    steady(0.1)
    with open(sys.argv[1], "w") as out:
        out.write("%d %d" % (FIRST, LAST))
else:
    run()
