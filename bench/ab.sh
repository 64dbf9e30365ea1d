#!/usr/bin/env bash
# Two builds measured at the same time, for deciding whether a change helps.
#
# usage: bench/ab.sh [-s text|echo|aes] [-c CONNS] [-d SECS] [-r ROUNDS] [-C CONF] 'COMMAND_A' 'COMMAND_B'
#   Both gateways run at once, pinned to core 0, each loaded by its own wrk on core 1 together with the
#   kit's fake backend. The VM's speed drifts by up to 2x within minutes, which swamps sequential A/B
#   runs; run side by side, both see the same drift. They swap start order and port (the config's,
#   port+2) every round, because the one started first on the config's port measured ~2 % faster: use
#   an even number of rounds. B/A per round then varies by ~±3 %; effects under ~4 % need 6+ rounds.
#   Two processes share one core's caches, so memory-heavy changes look worse here than alone:
#   confirm big decisions with `bun run bench`. Defaults: -s text -c 64 -d 5 -r 4,
#   -C bench/conf/gateway.json (AES: gateway-nodedup.json). Prints B/A per round and the median.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KIT=$ROOT/bench/kit
SC=text CONNS=64 DUR=5 ROUNDS=4 CONF=
while getopts "s:c:d:r:C:h" o; do
  case $o in
    s) SC=$OPTARG;; c) CONNS=$OPTARG;; d) DUR=$OPTARG;; r) ROUNDS=$OPTARG;; C) CONF=$OPTARG;;
    *) sed -n '2,/^set /{/^set /d;s/^# \{0,1\}//;p}' "$0"; exit 2;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { sed -n '2,/^set /{/^set /d;s/^# \{0,1\}//;p}' "$0"; exit 2; }
A=$1 B=$2
[ -n "$CONF" ] || CONF=$ROOT/bench/conf/gateway.json
[ -z "${CONF##/*}" ] || CONF=$ROOT/$CONF
[ "$SC" = aes ] && [ "$CONF" = "$ROOT/bench/conf/gateway.json" ] && CONF=$ROOT/bench/conf/gateway-nodedup.json
OUT=$(mktemp -d /tmp/wxgw-ab-XXXXXX)
BUN=$ROOT/node_modules/.bin/bun
mkdir -p "$OUT/.bin" && ln -sf "$(readlink -f "$BUN")" "$OUT/.bin/bun" && export PATH=$OUT/.bin:$PATH
eval "$(bun "$KIT/fixtures.mjs" env "$CONF")"
PORT_B=$((GW_PORT + 2))
CONF_B=$OUT/conf-b.json
bun -e "const c = JSON.parse(await Bun.file('$CONF').text()); c['listen-port'] = $PORT_B; await Bun.write('$CONF_B', JSON.stringify(c));"

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT
for p in "$GW_PORT" "$PORT_B" "$BACKEND_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "port $p is in use: stop whatever listens there first"; exit 1; fi
done
BACKEND_PORT=$BACKEND_PORT BACKEND_PREFIX=$BACKEND_PREFIX taskset -c 1 bun "$KIT/backend.ts" >"$OUT/backend.log" 2>&1 &
PIDS+=($!)
healthy() { for _ in $(seq 300); do curl -fs -o /dev/null "http://127.0.0.1:$1$HEALTH_PATH" && return 0; sleep 0.02; done; return 1; }
load() { # port fixtures secs -> rps
  FIXTURE=$2/$SC.tsv EXPECT= BENCH_DIR=$KIT taskset -c 1 wrk -t1 -c"$CONNS" -d"$3"s -s "$KIT/wrk/$SC.lua" "http://127.0.0.1:$1" |
    sed -n 's/.*RESULT.* rps=\([^ ]*\).* non2xx=\([^ ]*\).* bad_body=\([^ ]*\).*/\1 \2 \3/p'
}
ratios=()
for ((r = 1; r <= ROUNDS; r++)); do
  # odd rounds: A starts first on the config's port; even rounds: B does (position costs ~2 %, measured)
  if ((r % 2)); then CA=$CONF CB=$CONF_B PA_PORT=$GW_PORT PB_PORT=$PORT_B
  else CA=$CONF_B CB=$CONF PA_PORT=$PORT_B PB_PORT=$GW_PORT; fi
  start_a() { taskset -c 0 env CONF_FILE="$CA" bash -c "exec $A" >"$OUT/a.log" 2>&1 & PA=$!; }
  start_b() { taskset -c 0 env CONF_FILE="$CB" bash -c "exec $B" >"$OUT/b.log" 2>&1 & PB=$!; }
  if ((r % 2)); then start_a; start_b; else start_b; start_a; fi
  PIDS+=("$PA" "$PB")
  healthy "$PA_PORT" && healthy "$PB_PORT" || { echo "a gateway did not start (see $OUT/a.log, $OUT/b.log)"; exit 1; }
  bun "$KIT/fixtures.mjs" gen "$CA" "$OUT/fa" 1000 >/dev/null && bun "$KIT/fixtures.mjs" gen "$CB" "$OUT/fb" 1000 >/dev/null
  load "$PA_PORT" "$OUT/fa" 2 >/dev/null & load "$PB_PORT" "$OUT/fb" 2 >/dev/null; wait "$!" 2>/dev/null; sleep 0.5
  load "$PA_PORT" "$OUT/fa" "$DUR" >"$OUT/ra" & load "$PB_PORT" "$OUT/fb" "$DUR" >"$OUT/rb"; sleep 0.5; wait "$!" 2>/dev/null
  for _ in $(seq 50); do [ -s "$OUT/ra" ] && break; sleep 0.1; done
  read -r ra na ba <"$OUT/ra"; read -r rb nb bb <"$OUT/rb"
  ratio=$(awk -v a="$ra" -v b="$rb" 'BEGIN{printf "%.3f", b/a}')
  ratios+=("$ratio")
  echo "round $r ($( ((r % 2)) && echo "A first" || echo "B first" )): A $ra req/s (non2xx $na, bad $ba) | B $rb req/s (non2xx $nb, bad $bb) | B/A $ratio"
  kill "$PA" "$PB" 2>/dev/null; wait "$PA" "$PB" 2>/dev/null
done
echo "median B/A: $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END{printf "%.3f\n", NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')"
