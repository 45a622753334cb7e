-- A send refused by an open breaker, in SQL, for pgbench (scripts/bench-e2e scenarios): the statements
-- Parley issues for it, in its one transaction, as PostgreSQL's statement log shows them, with the same
-- kind of values: the floor a refusal that stores its message can reach through the same PgBouncer.
-- Each pgbench client has its own user and chat, prepared by the script.
--
-- The chat with its persona and owner; the user's lock; the user's turns generating and sends in the
-- last minute (the shared limits); the user message with its Idempotency-Key and the chat's activity;
-- the send's record; the message marked FAILED with CIRCUIT_OPEN (guarded by its lease); its "message"
-- event in the outbox with its NOTIFY.
BEGIN;
SELECT c.id AS chat, c.user_id AS uid, c.persona_id, c.title, c.created_at, c.last_activity_at, p.name,
       p.description, p.system_prompt, u.token_balance
  FROM chats c JOIN personas p ON p.id = c.persona_id JOIN users u ON u.id = c.user_id
 WHERE c.id = md5('bench-chat-' || :client_id::text)::uuid \gset
SELECT id FROM users WHERE id = :uid FOR NO KEY UPDATE;
SELECT (SELECT count(*) FROM messages m JOIN chats c ON c.id = m.chat_id WHERE c.user_id = :uid
          AND m.status = 'PENDING' AND m.role = 'USER' AND m.updated_at > now() - interval '40 seconds'),
       (SELECT count(*) FROM user_sends s WHERE s.user_id = :uid AND s.admitted_at > now() - interval '1 minute'),
       (SELECT min(s.admitted_at) FROM user_sends s WHERE s.user_id = :uid AND s.admitted_at > now() - interval '1 minute');
WITH inserted AS (INSERT INTO messages (id, chat_id, role, content, status, idempotency_key, reply_to, error_code, created_at, updated_at)
                  VALUES (gen_random_uuid(), :chat, 'USER', 'hello from pgbench refusal', 'PENDING', gen_random_uuid()::text,
                          NULL, NULL, now(), now())
                  ON CONFLICT (chat_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                  RETURNING id, chat_id, created_at),
     touched AS (UPDATE chats c SET last_activity_at = i.created_at FROM inserted i
                  WHERE c.id = i.chat_id AND c.last_activity_at < i.created_at)
SELECT count(*), max(created_at) AS lease, min(id::text) AS umsg FROM inserted \gset
INSERT INTO user_sends (user_id, admitted_at) VALUES (:uid, now());
UPDATE messages SET status = 'FAILED', error_code = 'CIRCUIT_OPEN', updated_at = clock_timestamp()
 WHERE id = :umsg AND role = 'USER' AND status = 'PENDING' AND updated_at = :lease;
WITH head AS (UPDATE chats SET last_event_id = last_event_id + 1 WHERE id = :chat RETURNING last_event_id),
     ins AS (INSERT INTO chat_events (chat_id, id, kind, payload)
             SELECT :chat::uuid, head.last_event_id - 1 + e.ord, e.kind, e.payload
               FROM head, (VALUES (1, 'message', json_build_object('id', :umsg::text, 'chatId', :chat::text, 'role', 'user',
                                             'content', 'hello from pgbench refusal', 'status', 'failed',
                                             'errorCode', 'CIRCUIT_OPEN', 'createdAt', now())::text)) AS e(ord, kind, payload)
             RETURNING id)
SELECT max(id), pg_notify('parley_chat_events', :chat::text || ' ' || max(id)) FROM ins HAVING count(*) > 0;
COMMIT;
