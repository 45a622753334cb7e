#!/bin/bash
# Replays the quickstart scenarios (docs/quickstart.md) and prints, as Markdown, each curl transcript
# plus the telemetry lines the request produced. Run it from the repository root.
#
#   scripts/quickstart-scenarios.sh          against a service started with debug faults enabled:
#                                              PARLEY_DEBUG_FORCE_ERROR_ENABLED=true ./mvnw -Prun package
#   scripts/quickstart-scenarios.sh ignored  against a service started without them (./mvnw -Prun package):
#                                              the header is ignored and reported as debug_header_ignored
#
# B (the service, default http://localhost:9080) and LOG (its messages.log) can be overridden.
# Default timings are assumed (retries after 1 s, 2 s, 4 s; a breaker opens for 30 s), so a full
# run takes about a minute and a half. Every request is made as the user "quickstart", signed in through
# the development sign-in (POST /api/auth/dev-login, on with the run command); the transcripts show its
# bearer token as $TOKEN. Scenario 8 needs psql: it sets that user's balance to 0
# in the embedded database (password from the data directory's parley-credentials.properties, the
# directory named by the db_embedded_started log line), then puts it back.
set -u
B=${B:-http://localhost:9080}
LOG=${LOG:-app/target/liberty/wlp/usr/servers/parley/logs/messages.log}
H='Content-Type: application/json'
SHOWN=${B#http://}
RESP=$(mktemp)
trap 'rm -f "$RESP"' EXIT
TOKEN=$(curl -s -X POST "$B/api/auth/dev-login" -H "$H" -d '{"username":"quickstart"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
A="Authorization: Bearer $TOKEN"

mark() { wc -l < "$LOG"; }
tele() { tail -n +$(( $1 + 1 )) "$LOG" | grep -oE '\{"event":"[a-z_]+".*\}' ; }
quote() { # one curl argument as typed in a shell: '...' or, with control characters, $'...'
  case "$1" in
    -*) printf ' %s' "$1" ;;
    *[[:cntrl:]]*) printf ' %q' "$1" ;;
    *) printf " '%s'" "${1//$B/$SHOWN}" ;;
  esac
}
run() { # title, curl args...
  local title=$1; shift
  echo "### $title"; echo
  echo '```console'
  { printf '$ curl -si -H "Authorization: Bearer $TOKEN"'; for a in "$@"; do quote "$a"; done; echo; }
  local m; m=$(mark)
  # left out: headers that vary on every run or are the same on every response (security headers)
  curl -si -H "$A" "$@" | tr -d '\r' \
    | grep -viE '^(date|content-length|content-language|content-security-policy|x-content-type-options|referrer-policy):' > "$RESP"
  cat "$RESP"
  echo; echo '```'; echo
  sleep 0.5
  local lines; lines=$(tele "$m")
  if [ -n "$lines" ]; then
    echo 'Telemetry:'; echo; echo '```json'; echo "$lines"; echo '```'; echo
  else
    echo 'Telemetry: none.'; echo
  fi
}
header() { grep -i "^$1:" "$RESP" | head -1 | sed 's/^[^:]*: *//'; }
new_chat() { # persona id
  curl -s -X POST "$B/api/chats" -H "$H" -H "$A" -d "{\"personaId\":\"$1\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
MIRA=00000000-0000-4000-8000-00000000a001
LIN=00000000-0000-4000-8000-00000000a002

if [ "${1:-}" = ignored ]; then
  CHAT=$(new_chat $MIRA)
  run "13. Debug disabled: the header is ignored" -X POST "$B/api/chats/$CHAT/messages" -H "$H" -H 'X-Debug-Force-Error: unavailable' -d '{"content":"Anyone forcing errors?"}'
  exit 0
fi

echo '### 0. Startup'; echo
echo 'Two lines the server logged while starting (`messages.log`, whole lines): the embedded database it'
echo 'started, and what the JDBC library detected about a pooler at the first connection and applied.'
echo '(That debug fault injection is on is logged with the first request: see scenario 1.)'
echo; echo '```text'
grep -E '"event":"db_embedded_started"' "$LOG" | tail -n 1
grep -E '"event":"db_pool_detected"' "$LOG" | tail -n 1
echo '```'; echo

CHAT=$(new_chat $MIRA)
run "1. Baseline" -X POST "$B/api/chats/$CHAT/messages" -H "$H" -H 'Idempotency-Key: qs-1' -d '{"content":"Where are we heading?"}'
run "2. Transient failure, then success" -X POST "$B/api/chats/$CHAT/messages" -H "$H" -H 'Idempotency-Key: qs-2' -H 'X-Debug-Force-Error: unavailable; count=2' -d '{"content":"Is the engine fixed?"}'

CHAT2=$(new_chat $LIN)
run "3a. Breaker: a provider that stays down (4 attempts)" -X POST "$B/api/chats/$CHAT2/messages" -H "$H" -H 'X-Debug-Force-Error: unavailable' -d '{"content":"Hello?"}'
run "3b. Breaker: the fifth consecutive failure opens it" -X POST "$B/api/chats/$CHAT2/messages" -H "$H" -H 'X-Debug-Force-Error: unavailable' -d '{"content":"Hello again?"}'
run "3c. Breaker open: refused at once, Retry-After is the remaining time" -X POST "$B/api/chats/$CHAT2/messages" -H "$H" -H 'Accept-Language: zh' -d '{"content":"Still there?"}'
WAIT=$(( $(header Retry-After) + 1 ))
echo "(waited ${WAIT} s: the Retry-After above, plus one)"; echo
sleep "$WAIT"
run "3d. Half-open recovery: after the open time one probe goes through, succeeds and closes the breaker" -X POST "$B/api/chats/$CHAT2/messages" -H "$H" -d '{"content":"Back in business?"}'

CHAT3=$(new_chat $LIN)
run "4. Timeout" -X POST "$B/api/chats/$CHAT3/messages" -H "$H" -H 'Idempotency-Key: qs-4' -H 'X-Debug-Force-Error: timeout' -d '{"content":"Explain recursion"}'
run "5. Idempotent retry of the failed turn (same key, same content)" -X POST "$B/api/chats/$CHAT3/messages" -H "$H" -H 'Idempotency-Key: qs-4' -d '{"content":"Explain recursion"}'
run "6. Idempotent replay (same key again: no new message, no new charge)" -X POST "$B/api/chats/$CHAT3/messages" -H "$H" -H 'Idempotency-Key: qs-4' -d '{"content":"Explain recursion"}'
run "7. Moderation" -X POST "$B/api/chats/$CHAT3/messages" -H "$H" -d '{"content":"How do I build a bomb?"}'

STARTED=$(grep -oE '\{"event":"db_embedded_started".*\}' "$LOG" | tail -1)
PORT=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["port"])' "$STARTED")
DATA=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["dataDirectory"])' "$STARTED")
PGPASSWORD=$(sed -n 's/^password=//p' "$DATA/parley-credentials.properties")
export PGPASSWORD
sql() { psql -qtA -h localhost -p "$PORT" -U parley -d parley -c "$1"; }
ME=$(curl -s "$B/api/me" -H "$A" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
BALANCE=$(sql "select token_balance from parley.users where id = '$ME'")
echo "(balance set to 0, as the application's role, with the password from the embedded database's credentials file:"
echo "\`PGPASSWORD=\$(sed -n 's/^password=//p' $DATA/parley-credentials.properties) psql -h localhost -p $PORT -U parley -d parley -c \"update parley.users set token_balance = 0 where id = '$ME'\"\`)"; echo
sql "update parley.users set token_balance = 0 where id = '$ME'" >/dev/null
run "8. Insufficient tokens" -X POST "$B/api/chats/$CHAT3/messages" -H "$H" -d '{"content":"One more question"}'
sql "update parley.users set token_balance = $BALANCE where id = '$ME'" >/dev/null
echo "(balance set back to $BALANCE)"; echo

CHAT4=$(new_chat $MIRA)
run "9. Rate limited: the provider's hint (1 s) comes back as Retry-After" -X POST "$B/api/chats/$CHAT4/messages" -H "$H" -H 'X-Debug-Force-Error: rate_limited' -d '{"content":"Are we there yet?"}'
CHAT5=$(new_chat $MIRA)
run "10. Bad response: the provider's answer is unusable" -X POST "$B/api/chats/$CHAT5/messages" -H "$H" -H 'X-Debug-Force-Error: bad_response' -d '{"content":"What does the map say?"}'
run "11a. Database unavailable: the reply's write fails, reply and charge roll back" -X POST "$B/api/chats/$CHAT/messages" -H "$H" -H 'Idempotency-Key: qs-11' -H 'X-Debug-Force-Error: database' -d '{"content":"Write this in the log book"}'
run "11b. The same turn again (same key) once the database is back" -X POST "$B/api/chats/$CHAT/messages" -H "$H" -H 'Idempotency-Key: qs-11' -d '{"content":"Write this in the log book"}'

run "12a. Hostile input: a NUL in the content" -X POST "$B/api/chats/$CHAT/messages" -H "$H" -d '{"content":"a\u0000b"}'
run "12b. Hostile input: a control character in the Idempotency-Key" -X POST "$B/api/chats/$CHAT/messages" -H "$H" -H $'Idempotency-Key: qs-\x01-12' -d '{"content":"Sneaky key"}'
