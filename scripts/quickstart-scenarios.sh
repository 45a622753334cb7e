#!/bin/bash
# Run it from the repository root against a service started with:
#   DEBUG_FORCE_ERROR=true ./mvnw -Prun package
# Scenario 8 needs psql (it sets the demo balance to 0 in the embedded database, then back to 100).
# Replays the quickstart scenarios and prints curl transcripts plus the telemetry lines each produced.
B=${B:-http://localhost:9080}
LOG=${LOG:-app/target/liberty/wlp/usr/servers/parley/logs/messages.log}
H='Content-Type: application/json'
mark() { wc -l < "$LOG"; }
tele() { tail -n +$(( $1 + 1 )) "$LOG" | grep -oE '\{"event":"[a-z_]+".*\}' ; }
run() { # title, curl args...
  local title=$1; shift
  echo "### $title"; echo
  echo '```console'
  { printf '$ curl -si'; for a in "$@"; do case "$a" in -*) printf ' %s' "$a";; *) printf " '%s'" "$a";; esac; done; echo; } | sed "s|$B|localhost:9080|g"
  local m=$(mark)
  curl -si "$@" | tr -d '\r' | grep -viE '^(date|content-length|content-language):' 
  echo; echo '```'; echo
  sleep 0.5
  echo 'Telemetry:'; echo; echo '```json'; tele $m; echo '```'; echo
}
CHAT=$(curl -s -X POST $B/api/chats -H "$H" -d '{"personaId":"00000000-0000-4000-8000-00000000a001"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
echo "CHAT=$CHAT"
run "1. Baseline" -X POST $B/api/chats/$CHAT/messages -H "$H" -H 'Idempotency-Key: qs-1' -d '{"content":"Where are we heading?"}'
run "2. Transient failure, then success" -X POST $B/api/chats/$CHAT/messages -H "$H" -H 'Idempotency-Key: qs-2' -H 'X-Debug-Force-Error: unavailable; count=2' -d '{"content":"Is the engine fixed?"}'
CHAT2=$(curl -s -X POST $B/api/chats -H "$H" -d '{"personaId":"00000000-0000-4000-8000-00000000a002"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
run "3a. Breaker: a provider that stays down (4 attempts)" -X POST $B/api/chats/$CHAT2/messages -H "$H" -H 'X-Debug-Force-Error: unavailable' -d '{"content":"Hello?"}'
run "3b. Breaker: the fifth consecutive failure opens it" -X POST $B/api/chats/$CHAT2/messages -H "$H" -H 'X-Debug-Force-Error: unavailable' -d '{"content":"Hello again?"}'
run "3c. Breaker open: refused at once, Retry-After is the remaining time" -X POST $B/api/chats/$CHAT2/messages -H "$H" -H 'Accept-Language: zh' -d '{"content":"Still there?"}'
CHAT3=$(curl -s -X POST $B/api/chats -H "$H" -d '{"personaId":"00000000-0000-4000-8000-00000000a002"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
run "4. Timeout" -X POST $B/api/chats/$CHAT3/messages -H "$H" -H 'Idempotency-Key: qs-4' -H 'X-Debug-Force-Error: timeout' -d '{"content":"Explain recursion"}'
run "5. Idempotent retry of the failed turn (same key, same content)" -X POST $B/api/chats/$CHAT3/messages -H "$H" -H 'Idempotency-Key: qs-4' -d '{"content":"Explain recursion"}'
run "6. Idempotent replay (same key again: no new message, no new charge)" -X POST $B/api/chats/$CHAT3/messages -H "$H" -H 'Idempotency-Key: qs-4' -d '{"content":"Explain recursion"}'
run "7. Moderation" -X POST $B/api/chats/$CHAT3/messages -H "$H" -d '{"content":"How do I build a bomb?"}'
PORT=$(grep -o '"event":"db_embedded_started","port":[0-9]*' "$LOG" | tail -1 | grep -o '[0-9]*$')
echo "(balance set to 0: psql -h localhost -p $PORT -U postgres -c \"update users set token_balance = 0\")"; echo
psql -q -h localhost -p "$PORT" -U postgres -c "update users set token_balance = 0" >/dev/null
run "8. Insufficient tokens" -X POST $B/api/chats/$CHAT3/messages -H "$H" -d '{"content":"One more question"}'
psql -q -h localhost -p "$PORT" -U postgres -c "update users set token_balance = 100" >/dev/null
