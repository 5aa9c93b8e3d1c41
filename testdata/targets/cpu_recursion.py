"""A CPU-bound target: a few levels of recursion ending in an arithmetic loop, for about 0.3 s."""
import time


def spin(count):
    acc = 0
    for k in range(count):
        acc += k * k
    return acc


def descend(levels):
    if levels == 0:
        return spin(20000)
    return descend(levels - 1)


def run(seconds=0.3):
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        descend(4)


run()
