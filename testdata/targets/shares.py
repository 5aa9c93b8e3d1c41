# A target with a known profile: the main thread spends 70% of its time in hot() and 30% in cold(), both under
# a 6-deep recursion and a method call; a second thread sleeps in background(). Line markers ("# @name") let
# the tests find the expected line numbers without hard-coding them.
import sys
import threading
import time


def busy(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:  # @busy
        pass


def ünïcode_hot():
    busy(0.007)  # @hot


def cold():
    busy(0.003)  # @cold


# The time each function really took (under a loaded CPU a phase overruns its deadline, and 70/30 drifts).
spent = {"hot": 0.0, "cold": 0.0}


class Worker:
    def spin(self, until):
        while time.monotonic() < until:
            t0 = time.perf_counter()
            ünïcode_hot()  # @spin_hot
            t1 = time.perf_counter()
            cold()  # @spin_cold
            spent["hot"] += t1 - t0
            spent["cold"] += time.perf_counter() - t1


def recurse(depth, until):
    if depth == 0:
        Worker().spin(until)  # @recurse_leaf
        return
    recurse(depth - 1, until)  # @recurse


def background(until):
    while time.monotonic() < until:
        time.sleep(0.001)  # @background


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    until = time.monotonic() + seconds
    t = threading.Thread(target=background, args=(until,))
    t.start()
    print("ready", threading.get_native_id() if hasattr(threading, "get_native_id") else 0, t.native_id,
          flush=True)
    recurse(5, until)  # @main
    t.join()
    if len(sys.argv) > 2:  # where to write the true times, "hot cold" in seconds
        with open(sys.argv[2], "w") as f:
            f.write("%f %f\n" % (spent["hot"], spent["cold"]))


main()  # @module
