#!/bin/bash
# The CPU a durable write costs the server, beside the bare group-commit
# server's (commit-hello.go -sqlite) in the same run: the measure behind
# the README's "0.60 of the bare server needs at most about 1.67 × its
# CPU a write" (issue 16). Each run puts the bare server, then `tandem
# serve --demo` for each kind, under the same wrk (writes.lua, 2 threads,
# 50 connections) and counts with `perf stat -e task-clock` the CPU the
# server process used over the middle of the run, divided by the writes
# stored meanwhile (the bare server's rows; Tandem's audit entries, one
# a write). Rates drift on a shared VM; a ratio of the same run less so.
# Needs wrk, perf and sqlite3.
#
#   docs/bench/cpu-writes.sh TANDEM_BINARY [call,value,partner] [12] [3]
#
# The third argument is each wrk run's seconds (CPU counted over all but
# the first 2 and the last 2), the fourth the number of runs.
set -eu
BIN=$1; KINDS=${2:-call,value,partner}; SECS=${3:-12}; REPS=${4:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT
WIN=$((SECS - 4))
(cd "$HERE/../.." && go build -o "$WORK/commit-hello" docs/bench/commit-hello.go)

# measure PID COUNT_SQL DB: CPU µs of PID per row COUNT_SQL adds, over WIN
# seconds from 2 s into the wrk run already started.
measure() {
  sleep 2
  local n0 n1 ms
  n0=$(sqlite3 "$3" "$2")
  ms=$(perf stat -x, -e task-clock -p "$1" -- sleep "$WIN" 2>&1 | awk -F, '/task-clock/{print $1}')
  n1=$(sqlite3 "$3" "$2")
  awk -v ms="$ms" -v n=$((n1 - n0)) 'BEGIN{ if (n > 0) printf "%.1f", ms * 1000 / n; else print "nan" }'
}

for r in $(seq "$REPS"); do
  rm -rf "$WORK/commit" "$WORK/data"; mkdir -p "$WORK/commit"
  "$WORK/commit-hello" -sqlite "$WORK/commit" > /dev/null 2>&1 &
  CP=$!
  sleep 1
  KIND=partner TOKEN=none wrk -t2 -c50 -d"${SECS}s" -s "$HERE/writes.lua" http://127.0.0.1:8093 > /dev/null &
  WP=$!
  bare=$(measure $CP 'SELECT COUNT(*) FROM writes' "$WORK/commit/commit-hello.db")
  wait $WP; kill $CP; wait $CP 2>/dev/null || true
  line="run $r: bare group commit $bare µs a write"

  export TANDEM_DATA_DIR=$WORK/data
  "$BIN" serve --demo --addr 127.0.0.1:8091 > "$WORK/serve.log" 2>&1 &
  SP=$!
  for _ in $(seq 120); do grep -q listening "$WORK/serve.log" && break; sleep 1; done
  DB=$WORK/data/tandem.db
  OWNER=$("$BIN" token create --email karin.lindqvist@norrsken.example 2>/dev/null | tail -1)
  AGENT=$("$BIN" token create --email aleksei.smirnov@nordcall.example 2>/dev/null | tail -1)
  AG=$(sqlite3 "$DB" "SELECT m.id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'aleksei.smirnov@nordcall.example'")
  export ACCTS=$(sqlite3 "$DB" "SELECT id FROM sales_accounts WHERE agent_membership_id = $AG ORDER BY id LIMIT 50" | paste -sd,)
  export ENG=$(sqlite3 "$DB" "SELECT engagement_id FROM sales_accounts WHERE agent_membership_id = $AG ORDER BY id LIMIT 1")
  export METRIC=pulse_transparency DAY=$(date -u +%F)
  for k in ${KINDS//,/ }; do
    if [ "$k" = call ]; then export TOKEN=$AGENT; else export TOKEN=$OWNER; fi
    KIND=$k wrk -t2 -c50 -d"${SECS}s" -s "$HERE/writes.lua" http://127.0.0.1:8091 > /dev/null &
    WP=$!
    us=$(measure $SP 'SELECT COUNT(*) FROM events' "$DB")
    wait $WP
    line="$line | $k $us µs, $(awk -v a="$us" -v b="$bare" 'BEGIN{printf "%.2f", a/b}')× bare"
  done
  kill $SP; wait $SP 2>/dev/null || true
  echo "$line"
done
