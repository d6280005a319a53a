#!/bin/bash
# System calls per request of one bench peer (strace -c), after a warm-up.
#
#   bench/profile/syscalls.sh PEER_JS [PATH] [REQUESTS] [PIPELINING]
#   npm run build && bench/profile/syscalls.sh dist/bench/peers/runtime.js /users/42 20000 1
set -euo pipefail
peer=$1; path=${2:-/users/42}; n=${3:-20000}; p=${4:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d /tmp/exw-syscalls.XXXX)
taskset -c 0 node "$peer" > "$out/stdout" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do grep -q listening "$out/stdout" && break; sleep 0.2; done
port=$(grep -o '[0-9]*$' "$out/stdout" | head -1)
ac() { taskset -c 1 node "$root/node_modules/autocannon/autocannon.js" -c 50 -p "$p" "$@" "http://127.0.0.1:$port$path" > /dev/null 2>&1; }
ac -d 3
strace -c -f -p $pid -o "$out/strace.txt" 2> /dev/null &
spid=$!
sleep 1
ac -a "$n"
kill -INT $spid; wait $spid || true
echo "$(basename "$peer") $path pipelining $p, system calls per request:"
awk -v n="$n" '$1 ~ /^[0-9.]+$/ && NF >= 5 && $4 / n >= 0.01 {printf "  %-14s %.3f\n", $NF, $4 / n}' "$out/strace.txt"
