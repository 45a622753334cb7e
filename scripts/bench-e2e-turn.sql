-- One chat turn in SQL, for pgbench (scripts/bench-e2e): the statements Parley issues for a turn, in
-- its two transactions, as PostgreSQL's statement log shows them (texts shortened only where Hibernate
-- names its aliases), with the same kind of values. Each pgbench client has its own user and chat (as
-- each Gatling user signs in as its own user), prepared by the script.
--
-- The opening transaction: the chat with its persona and owner; the user's lock; the user's turns
-- generating and sends in the last minute (the shared limits); the user message with its Idempotency-Key
-- (unique per turn) and the chat's activity; the send's record; the recent history (40 rows: history
-- limit 20, completed turns only); the "typing" event in the outbox with its NOTIFY.
BEGIN;
SELECT c.id AS chat, c.created_at, c.last_activity_at, c.persona_id AS persona, c.title, c.user_id AS uid,
       p.id, p.description, p.name, p.system_prompt, u.id, u.display_name, u.locale, u.subject, u.token_balance
  FROM chats c, personas p, users u
 WHERE c.id = md5('bench-chat-' || :client_id::text)::uuid AND p.id = c.persona_id AND u.id = c.user_id \gset
SELECT id FROM users WHERE id = :uid FOR NO KEY UPDATE;
SELECT (SELECT count(*) FROM messages m JOIN chats c ON c.id = m.chat_id WHERE c.user_id = :uid
          AND m.status = 'PENDING' AND m.role = 'USER' AND m.updated_at > now() - interval '40 seconds'),
       (SELECT count(*) FROM user_sends s WHERE s.user_id = :uid AND s.admitted_at > now() - interval '1 minute'),
       (SELECT min(s.admitted_at) FROM user_sends s WHERE s.user_id = :uid AND s.admitted_at > now() - interval '1 minute');
WITH inserted AS (INSERT INTO messages (id, chat_id, role, content, status, idempotency_key, reply_to, error_code, created_at, updated_at)
                  VALUES (gen_random_uuid(), :chat, 'USER', 'hello from pgbench turn', 'PENDING', gen_random_uuid()::text,
                          NULL, NULL, now(), now())
                  ON CONFLICT (chat_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                  RETURNING id, chat_id, created_at),
     touched AS (UPDATE chats c SET last_activity_at = i.created_at FROM inserted i
                  WHERE c.id = i.chat_id AND c.last_activity_at < i.created_at)
SELECT count(*), max(created_at) AS lease, min(id::text) AS umsg FROM inserted \gset
INSERT INTO user_sends (user_id, admitted_at) VALUES (:uid, now());
SELECT id, chat_id, content, created_at, error_code, idempotency_key, reply_to, role, seq, status, updated_at
  FROM messages WHERE chat_id = :chat ORDER BY seq DESC FETCH FIRST 40 ROWS ONLY;
WITH head AS (UPDATE chats SET last_event_id = last_event_id + 1 WHERE id = :chat RETURNING last_event_id),
     ins AS (INSERT INTO chat_events (chat_id, id, kind, payload)
             SELECT :chat::uuid, head.last_event_id - 1 + e.ord, e.kind, e.payload
               FROM head, (VALUES (1, 'typing', json_build_object('chatId', :chat::text, 'typing', true, 'requestId', gen_random_uuid())::text)) AS e(ord, kind, payload)
             RETURNING id)
SELECT max(id), pg_notify('parley_chat_events', :chat::text || ' ' || max(id)) FROM ins HAVING count(*) > 0;
COMMIT;
-- The completing transaction: the charge and its ledger row (the user's row first; the ledger's
-- reference to the reply is checked at commit), the reply and the chat's activity, the user message's
-- transition (guarded by its lease), the three events (both messages, "typing" off) with their NOTIFY.
BEGIN;
\set reply_seed random(1, 2000000000)
WITH charged AS (UPDATE users SET token_balance = token_balance - 1 WHERE id = :uid AND token_balance >= 1 RETURNING token_balance)
INSERT INTO token_ledger (id, user_id, message_id, delta, balance_after, created_at)
SELECT gen_random_uuid(), :uid::uuid, md5(:umsg::text || :reply_seed::text)::uuid, -1, token_balance, now() FROM charged RETURNING balance_after;
WITH inserted AS (INSERT INTO messages (id, chat_id, role, content, status, idempotency_key, reply_to, error_code, created_at, updated_at)
                  VALUES (md5(:umsg::text || :reply_seed::text)::uuid, :chat, 'ASSISTANT',
                          'Captain Mira: All hands on deck, crewmate! You said "hello from pgbench turn". Every storm passes; hold the wheel and keep going.',
                          'COMPLETED', NULL, :umsg, NULL, clock_timestamp(), clock_timestamp())
                  RETURNING chat_id, created_at),
     touched AS (UPDATE chats c SET last_activity_at = i.created_at FROM inserted i
                  WHERE c.id = i.chat_id AND c.last_activity_at < i.created_at)
SELECT count(*) FROM inserted;
UPDATE messages SET status = 'COMPLETED', error_code = NULL, updated_at = clock_timestamp()
 WHERE id = :umsg AND role = 'USER' AND status = 'PENDING' AND updated_at = :lease;
WITH head AS (UPDATE chats SET last_event_id = last_event_id + 3 WHERE id = :chat RETURNING last_event_id),
     ins AS (INSERT INTO chat_events (chat_id, id, kind, payload)
             SELECT :chat::uuid, head.last_event_id - 3 + e.ord, e.kind, e.payload
               FROM head, (VALUES (1, 'message', json_build_object('id', :umsg::text, 'chatId', :chat::text, 'role', 'user',
                                             'content', 'hello from pgbench turn', 'status', 'completed', 'createdAt', now())::text),
                                  (2, 'message', json_build_object('id', md5(:umsg::text || :reply_seed::text)::uuid, 'chatId', :chat::text,
                                             'role', 'assistant', 'content', 'Captain Mira: All hands on deck, crewmate! You said "hello from pgbench turn". Every storm passes; hold the wheel and keep going.',
                                             'status', 'completed', 'replyTo', :umsg::text, 'createdAt', now())::text),
                                  (3, 'typing', json_build_object('chatId', :chat::text, 'typing', false, 'requestId', gen_random_uuid())::text)) AS e(ord, kind, payload)
             RETURNING id)
SELECT max(id), pg_notify('parley_chat_events', :chat::text || ' ' || max(id)) FROM ins HAVING count(*) > 0;
COMMIT;
