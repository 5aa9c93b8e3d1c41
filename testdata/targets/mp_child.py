"""A multiprocess target: the parent forks one child with multiprocessing and waits for it; the child computes for
about 0.25 s."""
import multiprocessing
import time


def child_work(seconds=0.25):
    deadline = time.perf_counter() + seconds
    acc = 0
    while time.perf_counter() < deadline:
        for k in range(10000):
            acc += k
    return acc


def parent_wait(process):
    process.join()


def run():
    process = multiprocessing.get_context("fork").Process(target=child_work, name="child")
    process.start()
    parent_wait(process)


if __name__ == "__main__":
    run()
