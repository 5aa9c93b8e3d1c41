# A sub-interpreter spinning in its own function while the main interpreter waits, for the iid tests.
import sys
import threading
import time

try:
    import _interpreters as interpreters  # 3.13
except ImportError:
    import _xxsubinterpreters as interpreters  # 3.8-3.12

CODE = """
import time
def in_sub(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
in_sub(%s)
"""


def run_sub(seconds):
    interp = interpreters.create()
    if hasattr(interpreters, "run_string"):
        interpreters.run_string(interp, CODE % seconds)
    else:
        interpreters.exec(interp, CODE % seconds)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.5
    t = threading.Thread(target=run_sub, args=(seconds,))
    t.start()
    print("ready", flush=True)
    t.join()


main()
