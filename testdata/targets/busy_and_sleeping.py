"""Two threads in known states for as many seconds as the first argument says: the main thread computes in `busy`,
the other sleeps in `sleeping` (one long sleep, so it is off the CPU all the time). Prints "ready" once both run."""
import sys
import threading
import time


def sleeping(seconds):
    time.sleep(seconds)


def busy(seconds):
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        pass


def run(seconds):
    t = threading.Thread(target=sleeping, args=(seconds,), name="sleeper")
    t.start()
    print("ready", flush=True)
    busy(seconds)
    t.join()


run(float(sys.argv[1]) if len(sys.argv) > 1 else 30.0)
