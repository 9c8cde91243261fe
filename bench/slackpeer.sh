#!/usr/bin/env bash
# Slack under a burst, focalbot against its peer, a minimal Bolt-JS app
# (bench/bolt), on the same load generator (bench/loadgen) and machine:
# ROUNDS rounds (default 3), each one run of focalbot on every database of
# DBS and one Bolt run, in an order that turns each round, each a burst of
# N signed message.im events (default 4,000) at concurrency C (default 32),
# sent as fast as acks come. focalbot runs as the release binary (static,
# built as the README's "Building for production" says) with PEOPLE
# people on its roster (default 10,000), so its idle memory is measured with
# them. Prints each run's acks/s, ack p50/p99, 503s, replies posted (full
# round trips: the load generator plays Slack's Web API and counts every
# chat.postMessage, for both bots), idle RSS and CPU, and at the end a
# summary of focalbot ÷ Bolt for each round.
#
#   bench/slackpeer.sh            # from the repository's root; needs go, node and npm
#
# Variables:
#   ROUNDS, N, C, PEOPLE  as above
#   DBS      the databases focalbot runs on: "sqlite postgres" (the default
#            when PostgreSQL's initdb and pg_ctl are found, on PATH or in
#            /usr/lib/postgresql/*/bin), or "sqlite", or "postgres".
#            PostgreSQL is a throwaway cluster in a temporary directory
#            (initdb, pg_ctl; fsync=off, synchronous_commit=off, as
#            internal/pgtest runs it), each run on a fresh copy of the
#            imported roster (CREATE DATABASE … TEMPLATE).
#   UNPACED  1 (default): focalbot runs with FOCALBOT_BENCHMARK_UNPACED=1,
#            Slack's rate limits not kept, as Bolt keeps none, so that the
#            full round trips measure the bot; 0: the release pacing (2–3
#            replies a second get through, by design).
#   BASE     a commit (e.g. BASE=main): its build runs too, as
#            "base-<database>", on every database of DBS, so that a change is
#            measured against where it started in the same rounds. It gets
#            FOCALBOT_BENCHMARK_UNPACED too, which a commit before that
#            setting ignores (its replies are then paced).
#   FLOOR    1: bench/floor runs too, in every round, as "floor": the
#            smallest Slack bot built from focalbot's own libraries (slack-go,
#            GORM on the same SQLite, robfig/cron, Prometheus, go-ical) with
#            the same roster, none of focalbot's code in it: the floor under
#            focalbot's idle memory. 2: that, and also "floorlibs", the floor
#            built with -tags floorlibs, which links every other library
#            focalbot links (their inits run; nothing else of them does).
#   API_PORT, BOT_PORT    the load generator's stand-in for Slack (9901) and
#            the bot's port (9902).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3} N=${N:-4000} C=${C:-32} PEOPLE=${PEOPLE:-10000} UNPACED=${UNPACED:-1}
work=$(mktemp -d)
pgdir=""
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  if [ -n "$pgdir" ] && [ -f "$pgdir/data/postmaster.pid" ]; then
    as_pg "$pg_ctl" stop -D "$pgdir/data" -m immediate >/dev/null 2>&1 || true
  fi
  rm -rf "$work" ${pgdir:+"$pgdir"}
}
trap cleanup EXIT
secret=bench-signing-secret
api=127.0.0.1:${API_PORT:-9901}
port=${BOT_PORT:-9902}

initdb=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1 || true)
pg_ctl=$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | tail -1 || true)
if [ -z "${DBS:-}" ]; then
  DBS=sqlite
  if [ -n "$initdb" ] && [ -n "$pg_ctl" ]; then DBS="sqlite postgres"; fi
fi
# initdb refuses to run as root: the cluster then runs as postgres.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# The release build (README, "Building for production"): static, no C library.
release() { CGO_ENABLED=0 go build -trimpath -o "$@" .; }
release "$work/focalbot"
if [ -n "${BASE:-}" ]; then
  mkdir "$work/base-src"
  git archive "$BASE" | tar -x -C "$work/base-src"
  (cd "$work/base-src" && release "$work/focalbot-base")
fi
go build -o "$work/loadgen" ./bench/loadgen
FLOOR=${FLOOR:-0}
if [ "$FLOOR" -ge 1 ]; then
  CGO_ENABLED=0 go build -trimpath -o "$work/floor" ./bench/floor
fi
if [ "$FLOOR" -ge 2 ]; then
  CGO_ENABLED=0 go build -trimpath -tags floorlibs -o "$work/floorlibs" ./bench/floor
fi
(cd bench/bolt && npm ci --no-audit --no-fund --silent)

# A roster of PEOPLE people in 20 countries.
awk -v n="$PEOPLE" 'BEGIN {
  split("Ghana,Denmark,Costa Rica,Australia,Brazil,Canada,Chile,Finland,France,Germany,India,Japan,Kenya,Mexico,Norway,Peru,Qatar,Rwanda,Spain,Sweden", c, ",")
  print "name,title,ministry,country,email,phone,tz,language,role,status,appointed"
  for (i = 0; i < n; i++) printf "Person %05d,Officer,Ministry of Foreign Affairs,%s,p%05d@example.org,,,en,%s,active,2020-01-01\n", i, c[i%20+1], i, (i < 20 ? "focal-point" : "alternate")
}' > "$work/people.csv"
if [[ " $DBS " == *" sqlite "* ]]; then
  FOCALBOT_DATA_DIR="$work/seed" "$work/focalbot" import "$work/people.csv"
  [ -z "${BASE:-}" ] || FOCALBOT_DATA_DIR="$work/base-seed" "$work/focalbot-base" import "$work/people.csv"
fi
[ "$FLOOR" -ge 1 ] && SEED_ONLY=1 PEOPLE="$PEOPLE" DB="$work/floor-seed.db" "$work/floor"
if [[ " $DBS " == *" postgres "* ]]; then
  [ -n "$initdb" ] && [ -n "$pg_ctl" ] || { echo "slackpeer: DBS has postgres but initdb and pg_ctl are not found" >&2; exit 1; }
  pgdir=$(mktemp -d)
  [ "$(id -u)" = 0 ] && chown postgres: "$pgdir"
  pgport=$((port + 100))
  as_pg "$initdb" -D "$pgdir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
  as_pg "$pg_ctl" start -D "$pgdir/data" -l "$pgdir/log" -w -o "-k $pgdir -p $pgport -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off" >/dev/null
  pgurl() { echo "postgres://postgres@127.0.0.1:$pgport/$1?sslmode=disable"; }
  psql -q "$(pgurl postgres)" -c "CREATE DATABASE seed"
  FOCALBOT_DB="$(pgurl seed)" FOCALBOT_DATA_DIR="$work/pgseed" "$work/focalbot" import "$work/people.csv"
  if [ -n "${BASE:-}" ]; then
    psql -q "$(pgurl postgres)" -c "CREATE DATABASE base_seed"
    FOCALBOT_DB="$(pgurl base_seed)" FOCALBOT_DATA_DIR="$work/pgseed" "$work/focalbot-base" import "$work/people.csv"
  fi
  # Vacuumed and analysed now, so that autovacuum has no work left on the
  # seeds for the first round's burst.
  for db in seed ${BASE:+base_seed}; do psql -q "$(pgurl "$db")" -c "VACUUM ANALYZE"; done
fi

declare -A rss acks rts
run_focalbot() { # $1: sqlite, postgres, base-sqlite or base-postgres; $2: the round
  local name=$1 db=${1#base-} bin=$work/focalbot seed=seed env=(FOCALBOT_DATA_DIR="$work/data")
  if [ "$name" != "$db" ]; then bin=$work/focalbot-base seed=base_seed; fi
  # Each run starts from the imported roster alone: work a killed run left
  # in the inbox would be taken up at the next start.
  rm -rf "$work/data"
  if [ "$db" = sqlite ]; then
    cp -r "$work/${seed//_/-}" "$work/data"
  else
    PGOPTIONS="-c client_min_messages=warning" psql -q "$(pgurl postgres)" -c "DROP DATABASE IF EXISTS run" -c "CREATE DATABASE run TEMPLATE $seed"
    env+=(FOCALBOT_DB="$(pgurl run)")
  fi
  [ "$UNPACED" = 1 ] && env+=(FOCALBOT_BENCHMARK_UNPACED=1)
  env "${env[@]}" SLACK_BOT_TOKEN=xoxb-bench SLACK_SIGNING_SECRET=$secret SLACK_API_URL="http://$api/api/" \
    FOCALBOT_HTTP_ADDR=127.0.0.1:$port FOCALBOT_LOG_LEVEL=warn "$bin" serve >"$work/focalbot.log" 2>&1 &
  local pid=$!
  "$work/loadgen" -api "$api" -url "http://127.0.0.1:$port/slack/events" -secret $secret -n "$N" -c "$C" -pid $pid -label "focalbot-$name" | tee "$work/out"
  echo "focalbot-$name: log lines $(wc -l <"$work/focalbot.log")"
  kill $pid; wait $pid 2>/dev/null || true
  record "focalbot-$name" "$2"
}
# run_floor BIN ROUND runs bench/floor's build BIN (floor or floorlibs).
run_floor() {
  rm -f "$work"/floor.db*
  cp "$work/floor-seed.db" "$work/floor.db"
  SLACK_BOT_TOKEN=xoxb-bench SLACK_SIGNING_SECRET=$secret SLACK_API_URL="http://$api/api/" PORT=$port \
    PEOPLE="$PEOPLE" DB="$work/floor.db" "$work/$1" >"$work/floor.log" 2>&1 &
  local pid=$!
  "$work/loadgen" -api "$api" -url "http://127.0.0.1:$port/slack/events" -secret $secret -n "$N" -c "$C" -pid $pid -label "$1" | tee "$work/out"
  kill $pid; wait $pid 2>/dev/null || true
  record "$1" "$2"
}
run_bolt() {
  SLACK_SIGNING_SECRET=$secret SLACK_API_URL="http://$api/api/" PORT=$port node bench/bolt/app.js >"$work/bolt.log" 2>&1 &
  local pid=$!
  "$work/loadgen" -api "$api" -url "http://127.0.0.1:$port/slack/events" -secret $secret -n "$N" -c "$C" -pid $pid -label bolt | tee "$work/out"
  kill $pid; wait $pid 2>/dev/null || true
  record bolt "$1"
}
# record keeps a run's idle RSS, acks/s and round trips/s for the summary.
record() {
  rss[$1,$2]=$(sed -n 's/.*RSS idle \([0-9.]*\) MiB.*/\1/p' "$work/out")
  acks[$1,$2]=$(sed -n 's/.*acks\/s \([0-9]*\) .*/\1/p' "$work/out")
  rts[$1,$2]=$(sed -n 's/.*: \([0-9]*\) round trips\/s.*/\1/p' "$work/out")
}
focalbots=($DBS)
if [ -n "${BASE:-}" ]; then for db in $DBS; do focalbots+=("base-$db"); done; fi
runs=("${focalbots[@]}" bolt)
[ "$FLOOR" -ge 1 ] && runs+=(floor)
[ "$FLOOR" -ge 2 ] && runs+=(floorlibs)
for r in $(seq "$ROUNDS"); do
  echo "== round $r, $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
  for i in "${!runs[@]}"; do # turn the order each round
    x=${runs[$(((i + r - 1) % ${#runs[@]}))]}
    # The previous run's writes (SQLite's file and WAL, PostgreSQL's) go to
    # disk now, not during this run's burst.
    sync
    case $x in
    bolt) run_bolt "$r" ;;
    floor | floorlibs) run_floor "$x" "$r" ;;
    *) run_focalbot "$x" "$r" ;;
    esac
  done
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
echo "== focalbot ÷ Bolt, in the same round (UNPACED=$UNPACED)"
for r in $(seq "$ROUNDS"); do
  for db in "${focalbots[@]}"; do
    f=focalbot-$db
    echo "round $r, $db: idle RSS $(ratio "${rss[$f,$r]}" "${rss[bolt,$r]}")×, acks/s $(ratio "${acks[$f,$r]}" "${acks[bolt,$r]}")×, full round trips/s ÷ Bolt's acks/s $(ratio "${rts[$f,$r]:-}" "${acks[bolt,$r]}")×, ÷ Bolt's round trips/s $(ratio "${rts[$f,$r]:-}" "${rts[bolt,$r]:-}")×"
  done
  for f in floor floorlibs; do
    if [ -n "${rss[$f,$r]:-}" ]; then
      echo "round $r, $f: idle RSS $(ratio "${rss[$f,$r]}" "${rss[bolt,$r]}")×, acks/s $(ratio "${acks[$f,$r]}" "${acks[bolt,$r]}")×"
    fi
  done
done
