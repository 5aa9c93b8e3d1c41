# Benchmark target: a busy loop at the bottom of a recursion DEPTH frames deep (argv[1]), for argv[2] seconds.
import sys
import time


def spin(until):
    while time.monotonic() < until:
        pass


def down(n, until):
    if n <= 1:
        spin(until)
    else:
        down(n - 1, until)


depth = int(sys.argv[1])
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
print("ready", flush=True)
# <module> and spin are two of the frames.
down(max(1, depth - 2), time.monotonic() + seconds)
