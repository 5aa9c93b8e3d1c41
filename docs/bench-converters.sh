#!/usr/bin/env bash
# Converter benchmark (docs/benchmarks.md, "Converters"): generates a large MOJO file with the formats writer and
# times each converter end to end, JVM start included, through its launcher, single-threaded, with GNU time for
# the peak RSS. Usage: docs/bench-converters.sh [WORKDIR]. Environment: SAMPLES (330000), RUNS (5), MVN (mvn;
# e.g. MVN="flock /tmp/austin-mvn.lock mvn" on a shared machine).
set -euo pipefail
root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
work=${1:-/tmp/austin-bench}
samples=${SAMPLES:-330000}
runs=${RUNS:-5}
mvn=${MVN:-mvn}
timer=/usr/bin/time
[ -x "$timer" ] || { echo "needs GNU time at $timer (apt-get install time)" >&2; exit 1; }
mkdir -p "$work"

# The jar and the generator (a test class of bin).
$mvn -q -B -f "$root/pom.xml" -pl bin -am package -DskipTests >&2
# Austin-shaped (address keys, 8-24 frames) and --deep (small keys, 30-55 frames): see BenchmarkProfile.
gen() {
    java -cp "$root/bin/target/austin.jar:$root/bin/target/test-classes" io.austin.bin.BenchmarkProfile "$@"
}
gen "$work/large.mojo" "$samples"
gen --deep "$work/deep.mojo" "$samples"
"$root/bin/mojo2austin" "$work/large.mojo" "$work/large.austin"

echo "inputs: large.mojo $(stat -c %s "$work/large.mojo") bytes, deep.mojo $(stat -c %s "$work/deep.mojo") bytes," \
    "$samples samples each; large.austin (its text) $(stat -c %s "$work/large.austin") bytes"
echo "java: $(java -version 2>&1 | head -1); cpus: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-52s %7s %9s %8s %9s %13s\n' "command" "best s" "median s" "CPU s" "peak MiB" "output bytes"

# Runs a command RUNS times; prints the best and median wall time, the median CPU time (user + system, which
# other load on the machine disturbs less than wall time) and the largest peak RSS.
measure() {
    local label=$1 out=$2
    shift 2
    local walls=() cpus=() rss=0 wall user sys kb
    for _ in $(seq "$runs"); do
        "$timer" -f "%e %U %S %M" -o "$work/time.txt" "$@" >/dev/null
        read -r wall user sys kb < <(tail -1 "$work/time.txt")
        walls+=("$wall")
        cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')")
        (( kb > rss )) && rss=$kb
    done
    local mid=$(( (runs + 1) / 2 ))
    printf '%-52s %7s %9s %8s %9d %13s\n' "$label" "$(printf '%s\n' "${walls[@]}" | sort -n | head -1)" \
        "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "${mid}p")" \
        "$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "${mid}p")" $(( rss / 1024 )) \
        "$( [ -f "$out" ] && stat -c %s "$out" || echo -)"
}

for in in large deep; do
    measure "mojo2austin $in.mojo $in.austin.out" "$work/$in.austin.out" \
        "$root/bin/mojo2austin" "$work/$in.mojo" "$work/$in.austin.out"
    rm -f "$work/$in.austin.out"
    measure "mojo2austin $in.mojo - (to /dev/null)" "-" "$root/bin/mojo2austin" "$work/$in.mojo" -
    measure "austin2speedscope $in.mojo $in.json" "$work/$in.json" \
        "$root/bin/austin2speedscope" "$work/$in.mojo" "$work/$in.json"
    measure "austin2pprof $in.mojo $in.pprof" "$work/$in.pprof" \
        "$root/bin/austin2pprof" "$work/$in.mojo" "$work/$in.pprof"
done
measure "austin2speedscope large.austin t.json (text in)" "$work/t.json" \
    "$root/bin/austin2speedscope" "$work/large.austin" "$work/t.json"
measure "austin2pprof large.austin t.pprof (text in)" "$work/t.pprof" \
    "$root/bin/austin2pprof" "$work/large.austin" "$work/t.pprof"
measure "austin2speedscope --compat large.mojo c.json" "$work/c.json" \
    "$root/bin/austin2speedscope" --compat "$work/large.mojo" "$work/c.json"
measure "austin2pprof --compat large.mojo c.pprof" "$work/c.pprof" \
    "$root/bin/austin2pprof" --compat "$work/large.mojo" "$work/c.pprof"
