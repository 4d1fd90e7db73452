#!/bin/bash
# Two builds' durable writes compared the only way a noisy machine
# allows: in alternated runs, A then B, each on a fresh demo beside its
# own hello-world (wrk-writes.sh, one run each). Compare the pairs' ratios,
# not single rates.
#
#   docs/bench/ab-writes.sh BINARY_A BINARY_B sqlite|pg [call,value,partner] [10s] [3]
set -eu
A=$1; B=$2; DB=$3; KINDS=${4:-call,value,partner}; DUR=${5:-10s}; PAIRS=${6:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
for p in $(seq "$PAIRS"); do
  for bin in "$A" "$B"; do
    echo "pair $p, $bin: $("$HERE/wrk-writes.sh" "$bin" "$DB" "$KINDS" "$DUR" 1 | sed 's/^run 1: //')"
  done
done
