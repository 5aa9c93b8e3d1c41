#!/usr/bin/env bash
# Two checkouts of this project side by side (docs/benchmarks.md, "Before and after"): the same benchmarks run in
# A and in B alternately, ROUNDS times, so that the machine's drift hits both; prints each figure's median for A
# and B and the median of the per-round ratios B/A.
#
# Usage: docs/bench-side-by-side.sh A_ROOT B_ROOT [WORKDIR]
#   e.g. git worktree add /tmp/before <commit> && docs/bench-side-by-side.sh /tmp/before .
# Environment: ROUNDS (5), PYTHONS (3.9.18,3.12.1: pyenv versions for the sampler), MVN (mvn).
#
# Figures:
#   codec    JMH CodecBenchmark.decodeMojoAndRenderText: MOJO decoded and printed as collapsed text, MB/s of MOJO
#   sampler  JMH SamplingBenchmark: CPU µs per sample of one pass over a thread 10 and 100 frames deep (the median
#            of the iterations' figures), per Python in PYTHONS
#   CLIs     mojo2austin, austin2speedscope, austin2pprof on a 49 MB Austin-shaped MOJO file (BenchmarkProfile),
#            wall and CPU seconds from /usr/bin/time, JVM start included
# Both roots must be buildable offline or online alike; each is packaged once, and its formats module installed
# before its sampler benchmark (the benchmark resolves it from the local repository, where A and B may share a
# version).
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,8p' "$0" >&2; exit 64; }
a=$(CDPATH='' cd -- "$1" && pwd)
b=$(CDPATH='' cd -- "$2" && pwd)
work=${3:-/tmp/austin-side-by-side}
rounds=${ROUNDS:-5}
pythons=${PYTHONS:-3.9.18,3.12.1}
mvn=${MVN:-mvn}
timer=/usr/bin/time
[ -x "$timer" ] || { echo "needs GNU time at $timer (apt-get install time)" >&2; exit 1; }
mkdir -p "$work"
results="$work/results.tsv"
: >"$results"

for root in "$a" "$b"; do
    $mvn -q -B -f "$root/pom.xml" -pl bin -am package -DskipTests >&2
done
if [ ! -f "$work/large.mojo" ]; then
    java -cp "$b/bin/target/austin.jar:$b/bin/target/test-classes" io.austin.bin.BenchmarkProfile "$work/large.mojo"
fi
echo "java: $(java -version 2>&1 | head -1); cpus: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# record SIDE FIGURE VALUE
record() {
    printf '%s\t%s\t%s\t%s\n' "$round" "$1" "$2" "$3" >>"$results"
}

codec() {
    local side=$1 root=$2 json="$work/codec.json"
    $mvn -q -B -f "$root/pom.xml" -Pjmh -pl formats test-compile exec:exec \
        -Djmh.args="-f 1 -wi 5 -w 2 -i 5 -r 2 -rf json -rff $json CodecBenchmark.decodeMojoAndRenderText" >/dev/null
    # 22,011,431 bytes of MOJO per operation (CodecBenchmark.generate); the score is ms per operation.
    record "$side" "codec MB/s" "$(python3 -c 'import json,sys; print(round(22.011431 / (json.load(open(sys.argv[1]))[0]["primaryMetric"]["score"] / 1000), 1))' "$json")"
}

sampler() {
    local side=$1 root=$2 log="$work/sampler.log"
    $mvn -q -B -f "$root/pom.xml" install -DskipTests -pl formats >/dev/null
    $mvn -q -B -f "$root/pom.xml" -Pjmh -pl sampler test-compile exec:exec \
        -Djmh.args="-f 1 -wi 2 -w 1 -i 5 -r 1 -p python=$pythons -p depth=10,100 SamplingBenchmark" >"$log"
    python3 - "$log" "$side" "$round" >>"$results" <<'EOF'
import re, statistics, sys
seen = {}
for m in re.finditer(r'\[(\S+) depth (\d+)\] passes \d+, syscalls/sample [\d.]+, CPU us/sample ([\d.]+)', open(sys.argv[1]).read()):
    seen.setdefault((m.group(1), int(m.group(2))), []).append(float(m.group(3)))
for (python, depth), values in sorted(seen.items()):
    # the last five lines are the measured iterations (warm-up iterations print too)
    print(f"{sys.argv[3]}\t{sys.argv[2]}\tsampler {python} d{depth} CPU us/sample\t{statistics.median(values[-5:]):.2f}")
EOF
}

cli() {
    local side=$1 root=$2 tool=$3 out="$work/out.$3"
    "$timer" -f "%e %U %S" -o "$work/time.txt" "$root/bin/$tool" "$work/large.mojo" "$out" >/dev/null
    local wall user sys
    read -r wall user sys < <(tail -1 "$work/time.txt")
    record "$side" "$tool wall s" "$wall"
    record "$side" "$tool cpu s" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
    rm -f "$out"
}

for round in $(seq "$rounds"); do
    echo "round $round of $rounds" >&2
    for side in A B; do
        root=$a
        [ "$side" = B ] && root=$b
        codec "$side" "$root"
        sampler "$side" "$root"
        for tool in mojo2austin austin2speedscope austin2pprof; do
            cli "$side" "$root" "$tool"
        done
    done
done

python3 - "$results" <<'EOF'
import collections, statistics, sys
values = collections.defaultdict(lambda: collections.defaultdict(dict))
for line in open(sys.argv[1]):
    rnd, side, figure, value = line.rstrip("\n").split("\t")
    values[figure][rnd][side] = float(value)
print(f"{'figure':44} {'A median':>10} {'B median':>10} {'B/A median':>11} {'B/A min':>8} {'B/A max':>8}")
for figure, rounds in values.items():
    pairs = [(r["A"], r["B"]) for r in rounds.values() if "A" in r and "B" in r]
    ratios = sorted(b / a for a, b in pairs if a)
    print(f"{figure:44} {statistics.median(a for a, _ in pairs):10.2f} {statistics.median(b for _, b in pairs):10.2f}"
          f" {statistics.median(ratios):11.3f} {ratios[0]:8.3f} {ratios[-1]:8.3f}")
EOF
