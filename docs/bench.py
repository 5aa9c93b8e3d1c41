#!/usr/bin/env python3
"""Whole-process benchmark of the austin sampler (docs/benchmarks.md, "One entry point").

Measures, through the launcher as a user runs it: start-up, `-V`, peak memory and CPU while sampling at 100 us,
timer precision, coverage of a program's first 300 ms, accuracy against targets that measure their own true times
(wall and CPU mode), the tracee's slowdown, the cost per sample and the highest rate at `-i 0` for stacks 10 and
100 frames deep, MOJO bytes per frame, a 200-thread target, and the converters' throughput. "floor" is this
machine's, not a binary's: the CPU per second of the smallest sampling loop in C (docs/cpu_floor.c, built with cc
when there is one) on the footprint's target, for scale.

With --compare BIN, every figure is measured for BIN too, alternating runs (ours, BIN, ours, BIN, ...) so that the
machine's drift hits both, and the median of the per-round ratios BIN/ours is printed: on a shared, noisy machine
a ratio from one run is what counts. BIN is any Austin 3-compatible binary (text output, -i -o -p -s -x -b).

usage: docs/bench.py [--austin BIN] [--compare BIN] [--python PY] [--rounds N] [--only NAME,...] [--json FILE]
       names: version startup coverage accuracy footprint floor slowdown rate threads converters
Needs Linux, Python 3.8+ (standard library only) and a built jar (bin/austin builds it on first use). Not part of
`mvn verify`; it takes about a minute per round and binary.
"""
import argparse
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS = os.path.join(ROOT, "testdata", "targets")
ALL = ["version", "startup", "coverage", "accuracy", "footprint", "floor", "slowdown", "rate", "threads", "converters"]


def target(name):
    return os.path.join(TARGETS, name)


# ---- running things ----------------------------------------------------------------------------------------------

class Ran:
    """A finished process: status, wall seconds, CPU seconds (user + system, its children included), peak RSS KiB."""

    def __init__(self, status, wall, cpu, rss_kib, stderr):
        self.status, self.wall, self.cpu, self.rss_kib, self.stderr = status, wall, cpu, rss_kib, stderr


def run(cmd, stdout=subprocess.DEVNULL, timeout=300):
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=stdout, stderr=err, stdin=subprocess.DEVNULL)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                p.kill()
                pid, status, usage = os.wait4(p.pid, 0)
                break
            time.sleep(0.002)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Ran(p.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, text)


def proc_cpu(pid):
    """CPU seconds of a live process (all its threads), or None once it has gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def proc_hwm(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def start_target(cmd):
    """Starts a target that prints "ready" and waits until it has."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    line = p.stdout.readline()
    if b"ready" not in line:
        p.kill()
        raise RuntimeError("target did not start: %r" % line)
    return p


def watch(cmd, window):
    """Runs a profiler; returns (Ran-like facts, its CPU seconds per wall second over window=(from, to) seconds after
    its start, its peak RSS KiB)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    marks = {}
    hwm = 0
    while p.poll() is None:
        now = time.perf_counter() - start
        h = proc_hwm(p.pid)
        hwm = max(hwm, h or 0)
        for name, at in (("from", window[0]), ("to", window[1])):
            if name not in marks and now >= at:
                c = proc_cpu(p.pid)
                if c is not None:
                    marks[name] = (now, c)
        time.sleep(0.05)
    err = p.stderr.read().decode("utf-8", "replace")
    steady = None
    if "from" in marks and "to" in marks:
        (t0, c0), (t1, c1) = marks["from"], marks["to"]
        steady = (c1 - c0) / (t1 - t0)
    return p.returncode, steady, hwm, err


# ---- reading austin's text output ---------------------------------------------------------------------------------

def samples(path):
    """(tid, [function names root first], metric) for every sample line of a collapsed-stack file."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.startswith("P"):
                continue
            head, _, metric = line.rstrip("\n").rpartition(" ")
            parts = head.split(";")
            if len(parts) < 2:
                continue
            tid = parts[1].rpartition(":")[2]
            functions = []
            for frame in parts[2:]:
                bits = frame.rsplit(":", 2)
                functions.append(bits[1] if len(bits) == 3 else frame)
            try:
                value = int(metric.split(",")[0])
            except ValueError:
                continue
            out.append((tid, functions, value))
    return out


def time_in(rows, function, among):
    """Microseconds of the samples whose innermost function of `among` is `function`."""
    total = 0
    for _, functions, value in rows:
        for name in reversed(functions):
            if name in among:
                if name == function:
                    total += value
                break
    return total


def frames_of_text(path):
    n = 0
    count = 0
    for _, functions, _ in samples(path):
        n += len(functions)
        count += 1
    return count, n


# ---- the figures --------------------------------------------------------------------------------------------------

class Bench:
    def __init__(self, args, work):
        self.args = args
        self.py = args.python
        self.work = work
        self.ours = args.austin

    def path(self, name):
        return os.path.join(self.work, name)

    def version(self, austin):
        return {"-V wall ms": run([austin, "-V"]).wall * 1000}

    def startup(self, austin):
        alone = min(run([self.py, "-S", "-c", "pass"]).wall for _ in range(3))
        profiled = run([austin, "-i", "1ms", "-o", os.devnull, self.py, "-S", "-c", "pass"]).wall
        # What follows a program's end: a short program writes its last moment (perf_counter: the monotonic
        # clock, the same in both processes) and austin's exit is timed against it.
        last = self.path("last.txt")
        program = "import sys, time; open(sys.argv[1], 'w').write(repr(time.perf_counter()))"
        run([austin, "-i", "1ms", "-o", os.devnull, self.py, "-S", "-c", program, last])
        ended = time.perf_counter()
        return {"start-up ms over python": (profiled - alone) * 1000,
                "exit after the program's end ms": (ended - float(open(last).read())) * 1000}

    def coverage(self, austin):
        """Coverage of busy_start.py's 300 ms loop, and how long after the launch its first line ran (both
        perf_counter, the monotonic clock), over the same for Python alone: the program's start latency."""
        out, result, first = self.path("start.austin"), self.path("start.txt"), self.path("first.txt")
        launched = time.perf_counter()
        run([austin, "-i", "100us", "-o", out, self.py, "-S", target("busy_start.py"), result, first])
        latency = float(open(first).read()) - launched
        truth = float(open(result).read()) * 1e6
        launched = time.perf_counter()
        run([self.py, "-S", target("busy_start.py"), result, first])
        alone = float(open(first).read()) - launched
        return {"coverage of first 300 ms %": 100 * time_in(samples(out), "busy", {"busy"}) / truth,
                "program's first line ms over python": (latency - alone) * 1000}

    def accuracy(self, austin):
        figures = {}
        for mode in ("wall", "cpu"):
            out, truth_file = self.path("alt.austin"), self.path("alt.json")
            cmd = [austin, "-i", "100us", "-o", out] + (["-s"] if mode == "cpu" else [])
            r = run(cmd + [self.py, "-S", target("alternate.py"), truth_file, "3"])
            if r.status != 0:
                raise RuntimeError("%s exited %d: %s" % (austin, r.status, r.stderr.strip()[-300:]))
            truth = json.load(open(truth_file))
            rows = samples(out)
            hot = time_in(rows, "hot", {"hot", "cold"})
            cold = time_in(rows, "cold", {"hot", "cold"})
            true_hot, true_cold = truth["hot"] * 1e6, truth["cold"] * 1e6
            share = 100 * abs(hot / max(1, hot + cold) - true_hot / (true_hot + true_cold))
            figures[mode + " share error points"] = share
            if mode == "wall":
                figures["wall attributed/true"] = (hot + cold) / (true_hot + true_cold)
                # Timer precision: in wall mode a sample's time is the time since the thread's previous pass.
                main = [v for tid, _, v in rows if tid == str(truth["main_tid"])][1:]
                if len(main) > 10:
                    main.sort()
                    figures["timer rate Hz (target 10000)"] = 1e6 * len(main) / sum(main)
                    figures["timer interval p50 us"] = main[len(main) // 2]
                    figures["timer interval p99 us"] = main[int(len(main) * 0.99)]
                    figures["timer jitter (stdev) us"] = statistics.pstdev(main)
            else:
                main = sum(v for tid, _, v in rows if tid == str(truth["main_tid"]))
                figures["cpu attributed/thread_time"] = main / (truth["main_cpu"] * 1e6)
                # Against the functions' own CPU time, which differs from their wall time on a busy machine.
                cpu_hot, cpu_cold = truth["hot_cpu"], truth["cold_cpu"]
                figures["cpu share error vs CPU time points"] = 100 * abs(
                    hot / max(1, hot + cold) - cpu_hot / (cpu_hot + cpu_cold))
        return figures

    def footprint(self, austin):
        t = start_target([self.py, "-S", target("busy_and_sleeping.py"), "8"])
        try:
            status, steady, hwm, err = watch([austin, "-i", "100us", "-x", "5", "-o", os.devnull,
                                              "-p", str(t.pid)], (1.5, 4.5))
        finally:
            t.kill()
            t.wait()
        return {"peak RSS MiB at 100us": hwm / 1024, "profiler CPU/s at 100us": steady}

    def floor(self, austin):
        """The CPU per wall second of docs/cpu_floor.c at 100 us on the footprint's target: one read of 10 ranges of
        350 bytes a page apart per tick (about what a pass of ours reads there) and a sleep to the next deadline.
        Measured once per round (for the first binary), since it belongs to the machine."""
        if austin != self.args.austin:
            return {}
        exe = self.path("cpu_floor")
        if not os.path.exists(exe):
            cc = shutil.which("cc") or shutil.which("gcc")
            if cc is None:
                raise RuntimeError("no C compiler (cc) to build docs/cpu_floor.c")
            built = run([cc, "-O2", "-o", exe, os.path.join(ROOT, "docs", "cpu_floor.c")])
            if built.status != 0 or not os.path.exists(exe):
                raise RuntimeError("cc could not build docs/cpu_floor.c: %s" % built.stderr.strip())
        t = start_target([self.py, "-S", target("busy_and_sleeping.py"), "8"])
        try:
            heap = None
            with open("/proc/%d/maps" % t.pid) as maps:
                for line in maps:
                    if line.rstrip().endswith("[heap]"):
                        heap = int(line.split("-")[0], 16)
                        break
            if heap is None:
                raise RuntimeError("the target has no [heap] mapping")
            time.sleep(1.5)
            out = subprocess.run([exe, str(t.pid), hex(heap), "3", "100", "10", "350", "4096"],
                                 capture_output=True, text=True, timeout=30)
            if out.returncode != 0:
                raise RuntimeError("cpu_floor failed: %s" % (out.stderr.strip() or out.stdout.strip()))
            cpu, ticks, failed = out.stdout.split()
        finally:
            t.kill()
            t.wait()
        return {"C loop floor CPU/s at 100us": float(cpu), "C loop floor rate Hz": int(ticks) / 3.0}

    def slowdown(self, austin):
        result = self.path("work.txt")
        run([self.py, "-S", target("workload.py"), result])
        alone = float(open(result).read())
        run([austin, "-i", "100us", "-o", os.devnull, self.py, "-S", target("workload.py"), result])
        figures = {"tracee CPU slowdown at 100us": float(open(result).read()) / alone}
        figures.update(self.paired_slowdown(austin))
        return figures

    def paired_slowdown(self, austin, seconds=16, half=0.25):
        """The slowdown in pairs, within one target process: the profiler stays attached, and every `half` seconds it
        is paused (SIGSTOP) or resumed (SIGCONT), so that the units of work the target times with its thread's CPU
        clock alternate between sampled and not sampled every quarter of a second, the machine's own drift hitting
        both alike. Units ending within 30 ms of a switch are left out. Figure: median CPU per unit sampled / not."""
        result = self.path("paired.txt")
        t = start_target([self.py, "-S", target("paired_work.py"), result, str(seconds + 3)])
        profiler = subprocess.Popen([austin, "-i", "100us", "-x", str(seconds + 1), "-o", os.devnull, "-p",
                                     str(t.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    stdin=subprocess.DEVNULL)
        spans = []  # (from, to) on the monotonic clock while the profiler ran
        try:
            time.sleep(1.0)  # attached and steady
            end = time.monotonic() + seconds - 1
            while time.monotonic() < end:
                begin = time.monotonic_ns()
                time.sleep(half)
                profiler.send_signal(signal.SIGSTOP)
                spans.append((begin, time.monotonic_ns()))
                time.sleep(half)
                profiler.send_signal(signal.SIGCONT)
        finally:
            profiler.send_signal(signal.SIGCONT)
            profiler.wait()
            t.wait()
        first, last = spans[0][0], spans[-1][1]
        margin = 30_000_000
        sampled, alone = [], []
        k = 0
        with open(result) as f:
            for line in f:
                stamp, cpu = map(int, line.split())
                if stamp < first + margin or stamp > last - margin:
                    continue
                while k < len(spans) - 1 and stamp > spans[k][1] + int(half * 1e9):
                    k += 1
                b, e = spans[k]
                if b + margin <= stamp <= e - margin:
                    sampled.append(cpu)
                elif e + margin <= stamp <= e + int(half * 1e9) - margin:
                    alone.append(cpu)
        if profiler.returncode not in (0, None) or len(sampled) < 100 or len(alone) < 100:
            raise RuntimeError("paired slowdown: status %s, %d sampled and %d alone units"
                               % (profiler.returncode, len(sampled), len(alone)))
        return {"tracee CPU per unit sampled/not (paired) at 100us":
                statistics.median(sampled) / statistics.median(alone)}

    def rate(self, austin):
        figures = {}
        for depth in (10, 100):
            t = start_target([self.py, "-S", target("deep.py"), str(depth), "30"])
            try:
                facts = []
                for exposure in (1, 4):
                    out = self.path("rate.mojo")
                    r = run([austin, "-b", "-i", "0", "-x", str(exposure), "-o", out, "-p", str(t.pid)])
                    text = self.path("rate.austin")
                    conv = run([os.path.join(ROOT, "bin", "mojo2austin"), out, text])
                    if conv.status != 0:
                        raise RuntimeError("mojo2austin: " + conv.stderr.strip()[-300:])
                    count, frames = frames_of_text(text)
                    facts.append((r.cpu, count, frames, os.path.getsize(out)))
            finally:
                t.kill()
                t.wait()
            (c1, n1, f1, b1), (c4, n4, f4, b4) = facts
            # The difference of a 4 s and a 1 s run: start-up and attach cancel out.
            n = max(1, n4 - n1)
            figures["-i 0 depth %d samples/s" % depth] = n / 3
            figures["-i 0 depth %d CPU us/sample" % depth] = 1e6 * (c4 - c1) / n
            figures["MOJO bytes/frame depth %d" % depth] = b4 / max(1, f4)
        return figures

    def threads(self, austin):
        result = self.path("threads.txt")
        alone = self.path("threads-alone.txt")
        t = start_target([self.py, "-S", target("many_threads.py"), alone, "200", "4"])
        t.wait()
        out = self.path("threads.austin")
        t = start_target([self.py, "-S", target("many_threads.py"), result, "200", "4"])
        try:
            status, steady, hwm, err = watch([austin, "-i", "100us", "-x", "3", "-o", out, "-p", str(t.pid)],
                                             (1.0, 2.5))
        finally:
            t.wait()
        rows = samples(out)
        threads = len({tid for tid, _, _ in rows}) or 1
        passes_per_s = len(rows) / threads / 3.0
        figures = {"200 threads: tracee slowdown at 100us": int(open(alone).read()) / max(1, int(open(result).read())),
                   "200 threads: passes/s at 100us": passes_per_s}
        if steady and passes_per_s:
            figures["200 threads: CPU us/pass"] = 1e6 * steady / passes_per_s
        return figures

    def converters(self, austin):
        if austin != self.ours:
            return {}
        large = self.path("large.mojo")
        if not os.path.exists(large):
            jar = os.path.join(ROOT, "bin", "target", "austin.jar")
            classes = os.path.join(ROOT, "bin", "target", "test-classes")
            if not os.path.isdir(classes):
                raise RuntimeError("needs bin/target/test-classes (mvn -pl bin -am test-compile)")
            subprocess.run(["java", "-cp", jar + os.pathsep + classes, "io.austin.bin.BenchmarkProfile", large],
                           check=True, stdout=subprocess.DEVNULL)
        size = os.path.getsize(large) / 1e6
        figures = {}
        for tool, out in (("mojo2austin", "out.austin"), ("austin2speedscope", "out.json"),
                          ("austin2pprof", "out.pprof")):
            r = run([os.path.join(ROOT, "bin", tool), large, self.path(out)])
            figures[tool + " MB/s"] = size / r.wall
        return figures


# ---- rounds, medians, ratios --------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--austin", default=os.path.join(ROOT, "bin", "austin"), help="ours (default bin/austin)")
    parser.add_argument("--compare", help="another Austin-compatible binary, run side by side")
    parser.add_argument("--python", default=None, help="the targets' interpreter (default pyenv 3.11.7 or python3)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default=",".join(ALL))
    parser.add_argument("--json", help="also write every run's figures to this file")
    args = parser.parse_args()
    if args.python is None:
        pyenv = "/root/.pyenv/versions/3.11.7/bin/python3"
        args.python = pyenv if os.path.exists(pyenv) else shutil.which("python3")
    only = [n for n in args.only.split(",") if n]
    unknown = [n for n in only if n not in ALL]
    if unknown:
        parser.error("unknown figure(s) %s; names: %s" % (",".join(unknown), " ".join(ALL)))
    binaries = [args.austin] + ([args.compare] if args.compare else [])
    work = tempfile.mkdtemp(prefix="austin-bench-")
    bench = Bench(args, work)
    print("python %s; binaries %s; %d round(s); cpus %d; load %s" % (
        args.python, " vs ".join(binaries), args.rounds, os.cpu_count(), open("/proc/loadavg").read().split()[0]),
        file=sys.stderr)
    runs = {b: [] for b in binaries}
    for r in range(args.rounds):
        for name in only:
            for b in binaries:
                try:
                    figures = getattr(bench, name)(b)
                except Exception as e:  # a figure that fails is reported, the others still run
                    print("round %d %s %s: %s" % (r + 1, name, b, e), file=sys.stderr)
                    figures = {}
                runs[b].append((r, figures))
                print("round %d %s %s: %s" % (r + 1, name, os.path.basename(b), ", ".join(
                    "%s=%.4g" % (k, v) for k, v in figures.items() if v is not None)), file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    report(binaries, runs)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({b: runs[b] for b in binaries}, f, indent=1)


def report(binaries, runs):
    per = {}
    for b in binaries:
        for r, figures in runs[b]:
            for k, v in figures.items():
                if v is not None:
                    per.setdefault(k, {}).setdefault(b, {})[r] = v
    ours = binaries[0]
    header = "%-44s %12s" % ("figure (median of rounds)", "ours")
    if len(binaries) > 1:
        header += " %12s %10s" % ("compared", "ratio")
    print(header)
    for k, by in per.items():
        line = "%-44s %12s" % (k, fmt(median(by.get(ours, {}).values())))
        if len(binaries) > 1:
            other = by.get(binaries[1], {})
            ratios = [other[r] / by[ours][r] for r in other if r in by.get(ours, {}) and by[ours][r]]
            line += " %12s %10s" % (fmt(median(other.values())), fmt(median(ratios)))
        print(line)


def median(values):
    values = list(values)
    return statistics.median(values) if values else None


def fmt(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return "%.4g" % v


if __name__ == "__main__":
    main()
