"""A CPU-bound workload for per-second profiles: alternates two functions, with short naps that CPU mode leaves out,
for 3.5 s or the number of seconds given as its argument."""
import sys
import time


def crunch(n):
    return sum(k * k % 7 for k in range(n))


def hash_strings(n):
    return len({str(k) * 3 for k in range(n)})


def main():
    end = time.monotonic() + (float(sys.argv[1]) if len(sys.argv) > 1 else 3.5)
    while time.monotonic() < end:
        crunch(30000)
        hash_strings(20000)
        time.sleep(0.002)
    print("done")


if __name__ == "__main__":
    main()
