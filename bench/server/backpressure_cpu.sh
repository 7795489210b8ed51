#!/bin/bash
# usage: bench/server/backpressure_cpu.sh EXE CONNS [appserver options...]: served/shed and the server's CPU seconds during the loaded run
# A probe, not part of make bench: the server CPU time spent per served request.
# The loadgen binary is built by bench_backpressure.py (common.build_loadgen).
cd "$(dirname "$0")/../../examples/django"
EXE=$1; C=$2; shift 2
PORT=$((20000 + RANDOM % 10000))
export PYTHONPATH=$PWD GOACCEL_DEMO_ACCESS_LOG=0 GOACCEL_DEMO_LOG_LEVEL=WARNING GOACCEL_DEMO_DB=/tmp/goaccel-bpcpu-demo.sqlite3 GOACCEL_DEMO_STACK=goaccel
setsid taskset -c 0 $EXE --port $PORT --workers 2 --threads 4 --log-level error "$@" demo_project.wsgi:application &
SP=$!
for i in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:$PORT/api/products/ && break; sleep 0.2; done
LG=../../build/loadgen
taskset -c 1 $LG -url http://127.0.0.1:$PORT/api/products/ -c 8 -d 1s -text >/dev/null
cpu() { local t=0; for p in $(pgrep -g $SP); do read -r -a f < /proc/$p/stat; t=$((t + ${f[13]} + ${f[14]})); done; echo $t; }
c0=$(cpu); t0=$(date +%s.%N)
taskset -c 1 $LG -url http://127.0.0.1:$PORT/api/products/ -c $C -d 5s -backoff 100ms -text | grep -v errors | tr '\n' ' '
c1=$(cpu); t1=$(date +%s.%N)
echo; echo "server CPU $(( (c1-c0) ))/100 s over $(echo "$t1 - $t0" | bc) s wall"
kill -TERM -- -$SP; wait $SP 2>/dev/null
