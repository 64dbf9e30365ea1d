#!/usr/bin/env bash
# CPU profile of the gateway (from source, so names are readable) under one wrk scenario.
#
# usage: bench/profile.sh [-s echo|text|aes] [-c CONNS] [-d SECS] [-o DIR] [-i INTERVAL_US]
#   Starts the kit's fake backend and `bun --cpu-prof-md src/main.ts` with the scenario's config
#   (AES: gateway-nodedup.json), gateway on core 0 and wrk + backend on core 1 as in bench/run.ts,
#   loads it for SECS (after a 2 s warm-up), stops it with SIGTERM and prints where the profile is.
#   Read the "Hot Functions (Self Time)" table first. Defaults: -s text -c 64 -d 5 -i 250.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KIT=$ROOT/bench/kit
SC=text CONNS=64 DUR=5 OUT=/tmp/wxgw-profile-$(date +%H%M%S) INTERVAL=250
while getopts "s:c:d:o:i:h" o; do
  case $o in
    s) SC=$OPTARG;; c) CONNS=$OPTARG;; d) DUR=$OPTARG;; o) OUT=$OPTARG;; i) INTERVAL=$OPTARG;;
    *) sed -n '2,/^set /{/^set /d;s/^# \{0,1\}//;p}' "$0"; exit 2;;
  esac
done
BUN=$ROOT/node_modules/.bin/bun
mkdir -p "$OUT/.bin" && ln -sf "$(readlink -f "$BUN")" "$OUT/.bin/bun" && export PATH=$OUT/.bin:$PATH
CONF=$ROOT/bench/conf/gateway.json
[ "$SC" = aes ] && CONF=$ROOT/bench/conf/gateway-nodedup.json
eval "$(bun "$KIT/fixtures.mjs" env "$CONF")"

BE_PID= GW_PID=
cleanup() { for p in $GW_PID $BE_PID; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
BACKEND_PORT=$BACKEND_PORT BACKEND_PREFIX=$BACKEND_PREFIX taskset -c 1 bun "$KIT/backend.ts" >"$OUT/backend.log" 2>&1 &
BE_PID=$!
(cd "$ROOT" && CONF_FILE=$CONF exec taskset -c 0 bun --cpu-prof-md --cpu-prof-interval="$INTERVAL" --cpu-prof-dir="$OUT" src/main.ts) >"$OUT/gateway.log" 2>&1 &
GW_PID=$!
for _ in $(seq 200); do curl -fs -o /dev/null "http://$GW_HOST:$GW_PORT$HEALTH_PATH" && break; sleep 0.05; done
bun "$KIT/fixtures.mjs" gen "$CONF" "$OUT/fx" 1000
load() { FIXTURE=$OUT/fx/$SC.tsv EXPECT= BENCH_DIR=$KIT taskset -c 1 wrk -t1 -c"$CONNS" -d"$1"s --latency -s "$KIT/wrk/$SC.lua" "http://$GW_HOST:$GW_PORT"; }
load 2 >/dev/null
load "$DUR" | tee "$OUT/wrk.txt" | grep -E 'Requests/sec|RESULT'
kill "$GW_PID"; wait "$GW_PID" 2>/dev/null; GW_PID=
ls "$OUT"/CPU*.md
