"""Two Python threads: a worker alternating computation and short sleeps, and a main thread that computes, then
waits for it."""
import threading
import time


def crunch(count):
    acc = 0
    for k in range(count):
        acc += k % 7
    return acc


def worker():
    for _ in range(6):
        crunch(200000)
        time.sleep(0.02)


def run():
    helper = threading.Thread(target=worker, name="worker")
    helper.start()
    crunch(300000)
    helper.join()


run()
