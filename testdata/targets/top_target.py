# austin-top's target (TopIT): the main thread spends about 70 % of its time in hot_spin() and 30 % in warm_spin(),
# both called from main(); a second thread, "side", works in side_work() a fifth of the time and sleeps the rest.
# It runs for the number of seconds given as its argument (20 by default).
import sys
import threading
import time


def spin_until(end):
    while time.perf_counter() < end:
        pass


def hot_spin():
    end = time.perf_counter() + 0.007
    while time.perf_counter() < end:
        pass


def warm_spin():
    end = time.perf_counter() + 0.003
    while time.perf_counter() < end:
        pass


def side_work(until):
    while time.monotonic() < until:
        spin_until(time.perf_counter() + 0.001)
        time.sleep(0.004)


def main(seconds):
    until = time.monotonic() + seconds
    side = threading.Thread(target=side_work, args=(until,), name="side")
    side.start()
    while time.monotonic() < until:
        hot_spin()
        warm_spin()
    side.join()


main(float(sys.argv[1]) if len(sys.argv) > 1 else 20)
