"""Start-up target: from its very first line it runs a busy loop in `busy` for 300 ms, then writes the loop's own
wall time in seconds to the file named by its first argument. A profiler that is late to start misses the
beginning of the loop.

With a second argument, also writes there the loop's start on the monotonic clock (`time.perf_counter()`, in
seconds), which a launcher that read the same clock before starting the profiler compares with its own start.

usage: busy_start.py RESULT.txt [START.txt]"""
import time

START = time.perf_counter()


def busy(seconds):
    count = 0
    while time.perf_counter() - START < seconds:
        count += 1
    return count


busy(0.3)
ELAPSED = time.perf_counter() - START
import sys  # noqa: E402 (imported late on purpose: nothing may run before the loop)

with open(sys.argv[1], "w") as out:
    out.write(repr(ELAPSED))
if len(sys.argv) > 2:
    with open(sys.argv[2], "w") as out:
        out.write(repr(START))
