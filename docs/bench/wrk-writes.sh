#!/bin/bash
# Issue 16's measurement of durable writes: wrk (2 threads, 50
# connections) from outside against `tandem serve --demo` on a fresh
# database, each run beside two baselines measured in the same minute: a
# Go hello-world (wrk), and the durable-write limit the issue states its
# goal against (commit-hello.go): on SQLite a bare group-commit server
# under the same wrk (goal 10,000 = 0.60 of the issue's 16.7k), on
# PostgreSQL single-row inserts from 20 clients (goal 5,000 = 0.50 of
# the issue's 10k). Needs wrk, and sqlite3 or psql to find the demo's ids.
#
#   docs/bench/wrk-writes.sh TANDEM_BINARY sqlite|pg [call,value,partner] [15s] [3]
#
# pg uses the database benchpg on the local server (dropped and created).
set -eu
BIN=$1; DB=$2; KINDS=${3:-call,value,partner}; DUR=${4:-15s}; REPS=${5:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT
if [ "$DB" = pg ]; then
  psql -q -h 127.0.0.1 -U postgres -d postgres -c 'DROP DATABASE IF EXISTS benchpg' -c 'CREATE DATABASE benchpg' >/dev/null
  export TANDEM_DATABASE_URL='postgres://postgres@127.0.0.1:5432/benchpg?sslmode=disable'
  Q() { psql -At -h 127.0.0.1 -U postgres -d benchpg -c "$1"; }
else
  export TANDEM_DATA_DIR=$WORK/data
  Q() { sqlite3 "$WORK/data/tandem.db" "$1"; }
fi
"$BIN" serve --demo --addr 127.0.0.1:8091 > "$WORK/serve.log" 2>&1 &
for _ in $(seq 120); do grep -q listening "$WORK/serve.log" && break; sleep 1; done
go build -o "$WORK/hello" "$HERE/hello.go"
"$WORK/hello" &
(cd "$HERE/../.." && go build -o "$WORK/commit-hello" docs/bench/commit-hello.go)
if [ "$DB" = sqlite ]; then
  mkdir -p "$WORK/commit"
  "$WORK/commit-hello" -sqlite "$WORK/commit" &
fi
sleep 1
OWNER=$("$BIN" token create --email karin.lindqvist@norrsken.example 2>/dev/null | tail -1)
AGENT=$("$BIN" token create --email aleksei.smirnov@nordcall.example 2>/dev/null | tail -1)
AG=$(Q "SELECT m.id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'aleksei.smirnov@nordcall.example'")
export ACCTS=$(Q "SELECT id FROM sales_accounts WHERE agent_membership_id = $AG ORDER BY id LIMIT 50" | paste -sd,)
export ENG=$(Q "SELECT engagement_id FROM sales_accounts WHERE agent_membership_id = $AG ORDER BY id LIMIT 1")
export METRIC=pulse_transparency DAY=$(date -u +%F)
for r in $(seq "$REPS"); do
  h=$(wrk -t2 -c50 -d"$DUR" --latency http://127.0.0.1:8092/)
  hr=$(echo "$h" | awk '/Requests\/sec/{print $2}')
  line="run $r: hello-world $hr req/s (p99 $(echo "$h" | awk '/ 99%/{print $2}'))"
  if [ "$DB" = pg ]; then
    cr=$("$WORK/commit-hello" -pg "$TANDEM_DATABASE_URL" -clients 20 -duration "$DUR" | awk '{print $2}')
    line="$line | single-row inserts, 20 clients $cr/s"
  else
    c=$(KIND=partner TOKEN=none wrk -t2 -c50 -d"$DUR" --latency -s "$HERE/writes.lua" http://127.0.0.1:8093)
    cr=$(echo "$c" | awk '/Requests\/sec/{print $2}')
    line="$line | group-commit hello $cr req/s (p99 $(echo "$c" | awk '/ 99%/{print $2}'))"
  fi
  for k in ${KINDS//,/ }; do
    if [ "$k" = call ]; then export TOKEN=$AGENT; else export TOKEN=$OWNER; fi
    o=$(KIND=$k wrk -t2 -c50 -d"$DUR" --latency -s "$HERE/writes.lua" http://127.0.0.1:8091)
    rs=$(echo "$o" | awk '/Requests\/sec/{print $2}')
    bad=$(echo "$o" | awk '/Non-2xx/{print $NF}')
    line="$line | $k $rs req/s, p99 $(echo "$o" | awk '/ 99%/{print $2}'), $(awk -v a="$rs" -v b="$hr" 'BEGIN{printf "%.3f", a/b}')× hello, $(awk -v a="$rs" -v b="$cr" 'BEGIN{printf "%.3f", a/b}')× limit, non-2xx ${bad:-0}"
  done
  echo "$line"
done
