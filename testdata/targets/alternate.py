"""Accuracy target: the main thread alternates two busy functions, `hot` for 7 ms and `cold` for 3 ms, for a given
number of seconds, while a second thread sleeps in short naps. It measures its own truth and writes it as JSON to
the file named by its first argument: the wall time spent in `hot` and in `cold` (perf_counter), the main thread's
CPU time in each (thread_time: on a busy machine a function that waits for a CPU past its deadline has more wall
than CPU time, so CPU-mode shares are checked against these), each thread's CPU time and the whole loop's wall time.

usage: alternate.py TRUTH.json [SECONDS]"""
import json
import sys
import threading
import time


def spin(until):
    count = 0
    while time.perf_counter() < until:
        count += 1
    return count


def hot(ms):
    spin(time.perf_counter() + ms / 1000.0)


def cold(ms):
    spin(time.perf_counter() + ms / 1000.0)


def napper(stop, cpu):
    start = time.thread_time()
    while not stop.is_set():
        time.sleep(0.02)
    cpu.append(time.thread_time() - start)


def run(truth_file, seconds):
    stop = threading.Event()
    napper_cpu = []
    helper = threading.Thread(target=napper, args=(stop, napper_cpu), name="napper")
    helper.start()
    truth = {"hot": 0.0, "cold": 0.0, "hot_cpu": 0.0, "cold_cpu": 0.0}
    cpu0 = time.thread_time()
    start = time.perf_counter()
    end = start + seconds
    while time.perf_counter() < end:
        a_cpu = time.thread_time()
        a = time.perf_counter()
        hot(7)
        b = time.perf_counter()
        b_cpu = time.thread_time()
        cold(3)
        c = time.perf_counter()
        c_cpu = time.thread_time()
        truth["hot"] += b - a
        truth["cold"] += c - b
        truth["hot_cpu"] += b_cpu - a_cpu
        truth["cold_cpu"] += c_cpu - b_cpu
    truth["loop"] = time.perf_counter() - start
    truth["main_cpu"] = time.thread_time() - cpu0
    stop.set()
    helper.join()
    truth["napper_cpu"] = napper_cpu[0]
    truth["main_tid"] = threading.main_thread().native_id
    truth["napper_tid"] = helper.native_id
    with open(truth_file, "w") as out:
        json.dump(truth, out)


run(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 3.0)
