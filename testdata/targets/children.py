"""A parent with Python children: two started at once, a third started half a second later (so it ends half a second
after them), each computing for the given number of seconds in `child_work`. The parent waits for them in `parent_wait` and writes the children's pids,
in order of start, to the file named by its first argument.

usage: children.py PIDS_FILE [SECONDS]"""
import multiprocessing
import sys
import time


def child_work(seconds):
    deadline = time.perf_counter() + seconds
    acc = 0
    while time.perf_counter() < deadline:
        acc += 1
    return acc


def parent_wait(processes):
    for p in processes:
        p.join()


def run(pids_file, seconds):
    ctx = multiprocessing.get_context("fork")
    first = [ctx.Process(target=child_work, args=(seconds,)) for _ in range(2)]
    for p in first:
        p.start()
    time.sleep(0.5)
    late = ctx.Process(target=child_work, args=(seconds,))
    late.start()
    with open(pids_file, "w") as out:
        out.write(" ".join(str(p.pid) for p in first + [late]))
    parent_wait(first + [late])


if __name__ == "__main__":
    run(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)
