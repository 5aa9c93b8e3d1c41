# Target for the walker's real-process tests. Prints the facts the test needs, then every thread reports its own
# stack (file|scope|line, root first) and sleeps in a known place. Usage: target.py full | target.py depth N
import ctypes
import os
import sys
import threading
import time


def out(*args):
    sys.stdout.write(" ".join(str(a) for a in args) + "\n")
    sys.stdout.flush()


def position(frame):
    # End line and 1-based columns of the instruction the frame is at (3.11+), as the sampler reports them.
    if sys.version_info < (3, 11):
        return "0|0|0"
    p = list(frame.f_code.co_positions())[frame.f_lasti // 2]
    return "%d|%d|%d" % (p[1] or 0, 0 if p[2] is None else p[2] + 1, 0 if p[3] is None else p[3] + 1)


def report(tag, frame):
    items = []
    positions = []
    while frame is not None:
        code = frame.f_code
        items.append("%s|%s|%d" % (code.co_filename, getattr(code, "co_qualname", code.co_name), frame.f_lineno))
        positions.append(position(frame))
        frame = frame.f_back
    out("STACK", tag, threading.get_native_id(), ";".join(reversed(items)), ";".join(reversed(positions)))


def churn():
    # New code objects all the time (freed ones get their memory reused) and stacks of random depth.
    import random
    i = 0
    while True:
        i += 1
        ns = {}
        exec("def f%d(n):\n    return 0 if n == 0 else f%d(n - 1) + 1\n" % (i, i), ns)
        ns["f%d" % i](random.randint(1, 60))


def busy():
    import gc
    junk = [[i] for i in range(20000)]
    while True:
        gc.collect()


out("VERSION", sys.version_info[0], sys.version_info[1])
out("RUNTIME", hex(ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_PyRuntime"))))
out("CODETYPE", hex(id(type((lambda: 0).__code__))))
out("PID", os.getpid())
ready = []


def 函数(ev):
    report("worker", sys._getframe()); ev.set(); time.sleep(600)


def generator(ev):
    report("generator", sys._getframe()); ev.set(); time.sleep(600)
    yield 1


def generator_worker(ev):
    for _ in generator(ev):
        pass


def ünïcode(ev):
    函数(ev)


def worker(ev):
    ünïcode(ev)


class K:
    def m(self):
        d()


def d():
    report("main", sys._getframe()); out("READY"); time.sleep(600)


def c():
    K().m()


def b():
    c()


def a():
    b()


SUB_CODE = """import sys, threading, time
def in_sub():
    sys.stdout.write('SUB %d %s\\n' % (threading.get_native_id(), sys._getframe().f_code.co_filename))
    sys.stdout.flush(); time.sleep(600)
in_sub()
"""


def sub_interp_thread(ev):
    try:
        import _interpreters as si
    except ImportError:
        try:
            import _xxsubinterpreters as si
        except ImportError:
            out("NOSUB")
            ev.set()
            return
    iid = si.create()
    ev.set()
    si.run_string(iid, SUB_CODE)


def rec(n):
    if n <= 1:
        report("deep", sys._getframe()); out("READY"); time.sleep(600)
    rec(n - 1)


def main():
    if sys.argv[1] == "depth":
        rec(int(sys.argv[2]))
        return
    if sys.argv[1] == "churn":
        threading.Thread(target=churn, daemon=True).start()
        d()
        return
    if sys.argv[1] == "busy":
        t = threading.Thread(target=busy, daemon=True)
        t.start()
        time.sleep(0.2)
        out("BUSY", t.native_id)
        d()
        return
    ev = threading.Event()
    threading.Thread(target=worker, args=(ev,), daemon=True).start()
    ev.wait()
    ev1 = threading.Event()
    threading.Thread(target=generator_worker, args=(ev1,), daemon=True).start()
    ev1.wait()
    ev2 = threading.Event()
    threading.Thread(target=sub_interp_thread, args=(ev2,), daemon=True).start()
    ev2.wait()
    time.sleep(0.3)
    a()


main()
