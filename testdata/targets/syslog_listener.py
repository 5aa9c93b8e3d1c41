"""A stand-in for the system log: binds a datagram socket at the path given and appends every message it
receives, one per line, to the file given. With "deaf" as third argument it binds and never reads (a log that
cannot keep up). Prints "ready" once bound; runs until killed.

usage: syslog_listener.py SOCKET OUT_FILE [deaf]"""
import os
import socket
import sys
import time

path, out = sys.argv[1], sys.argv[2]
deaf = len(sys.argv) > 3 and sys.argv[3] == "deaf"
if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
print("ready", flush=True)
if deaf:
    time.sleep(600)
with open(out, "a") as f:
    while True:
        f.write(s.recv(65536).decode("utf-8", "replace") + "\n")
        f.flush()
