"""A small workload to profile: naive recursive Fibonacci on the main thread, sleeping in a second thread."""
import threading
import time


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def napper(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.01)


def main():
    t = threading.Thread(target=napper, args=(2.0,), daemon=True)
    t.start()
    end = time.monotonic() + 2.0
    while time.monotonic() < end:
        fib(20)
    print("done")


if __name__ == "__main__":
    main()
