"""A memory target: grows the resident set in 4 MB steps and releases it again, three times over.

With an argument it also measures itself for the tests. It settles (`settle_before`: spins with the GIL, grows by a
fresh 1 MiB mapping, spins 100 ms), measures its resident set size (from /proc/self/statm), does the work, settles
again (`settle_after`) and measures again, spins in `settle_end`, and writes the two sizes in bytes, "first last",
to that file. A sampler reads the resident set while a thread spins with the GIL, so each marker's growth, and
whatever else was pending, is read in a sample of its settling phase even by a pass that comes late: the deltas of
the samples after the last `settle_before` one, up to the last `settle_after` one, add up to the change.

usage: mem_alloc.py [RSS_FILE]"""
import mmap
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


MARKERS = []


def settle():
    steady(0.05)
    # A fresh anonymous mapping: its pages are new whatever the allocator kept from the work's blocks.
    marker = mmap.mmap(-1, 1 << 20)
    for page in range(0, 1 << 20, 4096):
        marker[page] = 1
    MARKERS.append(marker)
    steady(0.1)


def settle_before():
    settle()


def settle_after():
    settle()


def settle_end():
    steady(0.1)


if len(sys.argv) > 1:
    settle_before()
    FIRST = rss()
    run()
    settle_after()
    LAST = rss()
    settle_end()
    with open(sys.argv[1], "w") as out:
        out.write("%d %d" % (FIRST, LAST))
else:
    run()
