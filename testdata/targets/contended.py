"""CPU-mode target: the process pins itself to one CPU and shares it with a busy child, so its main thread is
runnable all the time but on the CPU about half of it. It computes for the given number of seconds and writes its
main thread's id and CPU time since it started (thread_time) as JSON to the file named by its first argument.

usage: contended.py RESULT.json [SECONDS]"""
import json
import os
import signal
import sys
import threading
import time


def busy(until):
    count = 0
    while time.monotonic() < until:
        count += 1
    return count


def run(result_file, seconds):
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    child = os.fork()
    if child == 0:
        busy(time.monotonic() + seconds + 5)
        os._exit(0)
    busy(time.monotonic() + seconds)
    used = time.thread_time()
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    with open(result_file, "w") as out:
        json.dump({"tid": threading.main_thread().native_id, "cpu": used, "seconds": seconds}, out)


run(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 2.0)
