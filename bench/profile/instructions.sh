#!/bin/bash
# User-space instructions per request of one bench peer, in steady state,
# counted by valgrind's callgrind (deterministic: a busy machine does not
# change the count, unlike CPU time). Kernel time (system calls) is not in it.
#
#   bench/profile/instructions.sh PEER_JS [PATH] [WARMUP] [BATCH] [BATCHES] [PIPELINING]
#   npm run build && bench/profile/instructions.sh dist/bench/peers/node-http.js /users/42
#
# The peer runs under callgrind pinned to core 0 with instrumentation off;
# autocannon (core 1, 10 connections) sends WARMUP requests so V8 optimises,
# then BATCHES batches of BATCH requests are each counted and dumped. Read the
# last batches: the first ones still include optimising compiles ("jit").
# JIT-compiled functions are named from V8's perf map (--perf-basic-prof);
# bench/profile/categorize.mjs turns a dump into a breakdown.
set -euo pipefail
peer=$1; path=${2:-/users/42}; warm=${3:-30000}; n=${4:-5000}; batches=${5:-4}; p=${6:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/exw-instructions.XXXX)
taskset -c 0 valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/cg.%p" \
  node --single-threaded-gc --perf-basic-prof "$peer" > "$out/stdout" 2> "$out/stderr" &
vpid=$!
trap 'kill -INT $vpid 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do grep -q listening "$out/stdout" && break; sleep 0.5; done
port=$(grep -o '[0-9]*$' "$out/stdout" | head -1)
load() { taskset -c 1 node "$root/node_modules/autocannon/autocannon.js" -c 10 -p "$p" -a "$1" "http://127.0.0.1:$port$path" > "$out/autocannon.log" 2>&1; }
load "$warm"
callgrind_control -i on $vpid > /dev/null
line="$(basename "$peer") $path pipelining $p, instructions per request by batch:"
for _ in $(seq 1 "$batches"); do
  load "$n"
  callgrind_control -d $vpid > /dev/null
  dump=$(ls -t "$out"/cg.*.* | head -1)
  total=$(grep -m1 '^summary:' "$dump" | awk '{print $2}')
  jit=$(callgrind_annotate --threshold=100 "$dump" 2>/dev/null | grep 'v8::internal::compiler::' | tr -d , | awk '{s+=$1} END {print s+0}')
  line="$line $(( total / n )) (jit $(( jit / n )))"
done
kill -INT $vpid; wait $vpid 2>/dev/null || true
trap - EXIT
echo "$line"
echo "dumps: $out/cg.$vpid.*  perf map: /tmp/perf-$vpid.map"
echo "breakdown: node bench/profile/categorize.mjs $dump /tmp/perf-$vpid.map $n"
