-- Per-user limits across instances (issue #17, docs/architecture.md#per-user-limits): every admitted
-- send of a user, recorded in the transaction that stores its turn and kept about a minute (the
-- sliding minute of parley.limits.user.sends-per-minute); a housekeeping run deletes older rows.
-- No foreign key: a row lives a minute, and the user's row is already locked while it is written.
create table user_sends (
    user_id      uuid        not null,
    admitted_at  timestamptz not null
);
create index user_sends_by_user on user_sends (user_id, admitted_at);
-- The user's turns generating (parley.limits.user.in-flight): PENDING user messages, found by chat.
-- Partial, so it holds only the turns being answered now.
create index messages_pending_by_chat on messages (chat_id) where status = 'PENDING' and role = 'USER';
