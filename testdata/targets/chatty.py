"""A program that writes to its standard output while it computes, for as many seconds as its first argument
says: a profile written to the same standard output must not receive a byte of it."""
import sys
import time


def compute(n):
    return sum(k * k for k in range(n))


def run(seconds):
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        print("P1;T0:1;chatty.py:<module>:1 999 <- not a sample", compute(2000))


run(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
