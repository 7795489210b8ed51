#!/bin/bash
# A/B of two builds of the extension on the hello-world path, by server CPU
# per request (steadier than req/s on a shared machine).
#
#   bench/server/ab_hello_cpu.sh DIR_A DIR_B [pairs] [threads]
#
# DIR_A and DIR_B each hold a _goaccel*.so (e.g. built with `go build
# -buildmode=c-shared -ldflags="-s -w" -o DIR/_goaccel.cpython-311-x86_64-linux-gnu.so
# ./native` and the flags of setup.py); each is loaded with PYTHONPATH=DIR ahead of
# the installed wheel. Worker pinned to core 0, wrk -t1 -c64 on core 1, 1 s
# warm-up then 5 s (DUR) measured, pairs interleaved. Prints req/s, CPU (user +
# system) and user CPU per request of the worker process (10 ms tick resolution).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
A=$1; B=$2; PAIRS=${3:-3}; T=${4:-4}
one() {
    local dir=$1 port=$((20000 + RANDOM % 20000))
    (cd "$HERE" && PYTHONPATH=$dir exec setsid taskset -c 0 "$ROOT/.venv/bin/appserver" --interface wsgi \
        --port $port --workers 1 --threads $T hello:app >/dev/null 2>&1) &
    local sp=$!
    for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:$port/ && break; sleep 0.1; done
    local w; w=$(pgrep -P $sp)
    taskset -c 1 wrk -t1 -c64 -d1s http://127.0.0.1:$port/ >/dev/null
    local c0 u0 c1 u1 out n rps
    read -r u0 c0 < <(awk '{print $14, $14+$15}' /proc/$w/stat)
    out=$(taskset -c 1 wrk -t1 -c64 -d${DUR:-5}s http://127.0.0.1:$port/)
    read -r u1 c1 < <(awk '{print $14, $14+$15}' /proc/$w/stat)
    n=$(echo "$out" | awk '/requests in/{print $1}')
    rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
    kill -- -$sp 2>/dev/null; wait $sp 2>/dev/null
    echo "$(basename "$dir") req/s=$rps cpu_us/req=$(echo "scale=2; ($c1-$c0)*10000/$n" | bc) user_us/req=$(echo "scale=2; ($u1-$u0)*10000/$n" | bc)"
}
for _ in $(seq "$PAIRS"); do one "$A"; one "$B"; done
