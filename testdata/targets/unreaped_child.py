"""A parent that forks a busy child and never reaps it: when the child ends it stays a zombie for as long as the
parent sleeps. Prints the child's pid, then sleeps.

usage: unreaped_child.py CHILD_SECONDS [PARENT_SECONDS]"""
import os
import sys
import time


def child_work(seconds):
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        pass


def run(child_seconds, parent_seconds):
    pid = os.fork()
    if pid == 0:
        child_work(child_seconds)
        os._exit(0)
    print(pid, flush=True)
    time.sleep(parent_seconds)


run(float(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 60.0)
