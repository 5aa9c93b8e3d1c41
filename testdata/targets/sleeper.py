"""A mostly idle target: four rounds of a 50 ms sleep followed by a short computation."""
import time


def nap():
    time.sleep(0.05)


def busy():
    acc = 0
    for k in range(300000):
        acc += k
    return acc


def run():
    for _ in range(4):
        nap()
        busy()


run()
