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


class Worker:
    def spin(self, until):
        while time.monotonic() < until:
            ünïcode_hot()  # @spin_hot
            cold()  # @spin_cold


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


main()  # @module
