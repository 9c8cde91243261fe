#!/usr/bin/env bash
# Slack under a burst, focalbot against its peer, a minimal Bolt-JS app
# (bench/bolt), on the same load generator (bench/loadgen) and machine:
# ROUNDS rounds (default 3) of one focalbot run and one Bolt run, alternating
# which goes first, each a burst of N signed message.im events (default
# 4,000) at concurrency C (default 32), sent as fast as acks come. focalbot
# runs as the release binary with SQLite and PEOPLE people on its roster
# (default 10,000), so its idle memory is measured with them. Prints each
# run's acks/s, ack p50/p99, 503s, replies posted, idle RSS and CPU.
#
#   bench/slackpeer.sh            # from the repository's root; needs go, node and npm
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3} N=${N:-4000} C=${C:-32} PEOPLE=${PEOPLE:-10000}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
secret=bench-signing-secret
api=127.0.0.1:${API_PORT:-9901}
port=${BOT_PORT:-9902}

go build -o "$work/focalbot" .
go build -o "$work/loadgen" ./bench/loadgen
(cd bench/bolt && npm ci --no-audit --no-fund --silent)

# A roster of PEOPLE people in 20 countries.
awk -v n="$PEOPLE" 'BEGIN {
  split("Ghana,Denmark,Costa Rica,Australia,Brazil,Canada,Chile,Finland,France,Germany,India,Japan,Kenya,Mexico,Norway,Peru,Qatar,Rwanda,Spain,Sweden", c, ",")
  print "name,title,ministry,country,email,phone,tz,language,role,status,appointed"
  for (i = 0; i < n; i++) printf "Person %05d,Officer,Ministry of Foreign Affairs,%s,p%05d@example.org,,,en,%s,active,2020-01-01\n", i, c[i%20+1], i, (i < 20 ? "focal-point" : "alternate")
}' > "$work/people.csv"
FOCALBOT_DATA_DIR="$work/seed" "$work/focalbot" import "$work/people.csv"

run_focalbot() {
  # Each run starts from the imported roster alone: work a killed run left
  # in the inbox would be taken up at the next start.
  rm -rf "$work/data" && cp -r "$work/seed" "$work/data"
  FOCALBOT_DATA_DIR="$work/data" SLACK_BOT_TOKEN=xoxb-bench SLACK_SIGNING_SECRET=$secret SLACK_API_URL="http://$api/api/" \
    FOCALBOT_HTTP_ADDR=127.0.0.1:$port FOCALBOT_LOG_LEVEL=warn "$work/focalbot" serve >"$work/focalbot.log" 2>&1 &
  local pid=$!
  "$work/loadgen" -api "$api" -url "http://127.0.0.1:$port/slack/events" -secret $secret -n "$N" -c "$C" -pid $pid -label focalbot
  echo "focalbot: log lines $(wc -l <"$work/focalbot.log")"
  kill $pid; wait $pid 2>/dev/null || true
}
run_bolt() {
  SLACK_SIGNING_SECRET=$secret SLACK_API_URL="http://$api/api/" PORT=$port node bench/bolt/app.js >"$work/bolt.log" 2>&1 &
  local pid=$!
  "$work/loadgen" -api "$api" -url "http://127.0.0.1:$port/slack/events" -secret $secret -n "$N" -c "$C" -pid $pid -label bolt
  kill $pid; wait $pid 2>/dev/null || true
}
for r in $(seq "$ROUNDS"); do
  echo "== round $r, $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
  if ((r % 2)); then run_focalbot; run_bolt; else run_bolt; run_focalbot; fi
done
