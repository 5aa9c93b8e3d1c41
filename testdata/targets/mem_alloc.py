"""A memory target: grows the resident set in 4 MB steps and releases it again, three times over."""
import time


def grow(blocks):
    blocks.append(bytearray(4_000_000))
    blocks[-1][::4096] = b"x" * len(blocks[-1][::4096])  # touch every page so that it becomes resident


def shrink(blocks):
    blocks.pop()


def run():
    blocks = []
    for _ in range(3):
        for _ in range(5):
            grow(blocks)
            time.sleep(0.005)
        for _ in range(5):
            shrink(blocks)
            time.sleep(0.005)


run()
