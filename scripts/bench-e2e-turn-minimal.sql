-- The smallest chat turn in SQL, for pgbench (scripts/bench-e2e): the turn's shape as issue #15 first
-- measured it, before identity and scale-out added the user's lock, the shared limits and the events'
-- outbox (scripts/bench-e2e-turn.sql has what Parley issues now), in four transactions: the chat's ownership and persona; the user message (Idempotency-Key
-- unique per turn) and the chat's activity; the balance and the recent history (Parley reads 40 rows:
-- history-limit 20, completed turns only); the reply, the charge, the ledger row, the user message's
-- status (guarded by its lease) and the chat's activity. Each pgbench client has its own user and chat
-- (as each Gatling user signs in as its own user), prepared by the script.
BEGIN;
SELECT c.id AS chat, c.user_id AS uid, c.persona_id AS persona FROM chats c
 WHERE c.id = md5('bench-chat-' || :client_id::text)::uuid \gset
SELECT p.id, p.description, p.name, p.system_prompt FROM personas p WHERE p.id = :persona;
COMMIT;
BEGIN;
INSERT INTO messages (id, chat_id, role, content, status, idempotency_key, created_at, updated_at)
VALUES (gen_random_uuid(), :chat, 'USER', 'hello from pgbench', 'PENDING', gen_random_uuid()::text, now(), now())
ON CONFLICT (chat_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
RETURNING id AS umsg, updated_at AS lease \gset
UPDATE chats SET last_activity_at = now() WHERE id = :chat AND last_activity_at < now();
COMMIT;
BEGIN;
SELECT id, display_name, locale, token_balance FROM users WHERE id = :uid;
SELECT id, chat_id, content, created_at, error_code, idempotency_key, reply_to, role, seq, status, updated_at
  FROM messages WHERE chat_id = :chat ORDER BY seq DESC FETCH FIRST 40 ROWS ONLY;
COMMIT;
BEGIN;
UPDATE chats SET last_activity_at = clock_timestamp() WHERE id = :chat AND last_activity_at < clock_timestamp();
INSERT INTO messages (chat_id, content, created_at, error_code, idempotency_key, reply_to, role, status, updated_at, id)
VALUES (:chat, 'Captain Mira: All hands on deck, crewmate! You said "hello from pgbench". Every storm passes; hold the wheel and keep going.',
        now(), NULL, NULL, :umsg, 'ASSISTANT', 'COMPLETED', now(), gen_random_uuid())
RETURNING id AS reply \gset
UPDATE users SET token_balance = token_balance - 1 WHERE id = :uid AND token_balance >= 1;
SELECT token_balance AS balance FROM users WHERE id = :uid \gset
INSERT INTO token_ledger (balance_after, created_at, delta, message_id, user_id, id)
VALUES (:balance, now(), -1, :reply, :uid, gen_random_uuid());
UPDATE messages SET status = 'COMPLETED', error_code = NULL, updated_at = now()
 WHERE id = :umsg AND role = 'USER' AND status = 'PENDING' AND updated_at = :lease;
COMMIT;
