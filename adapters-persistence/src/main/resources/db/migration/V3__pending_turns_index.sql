-- The sweep of stale turns (docs/architecture.md#the-user-messages-lifecycle) runs every few
-- seconds and looks only at PENDING user messages by their update time: a small partial index
-- keeps it from scanning every message.
create index messages_pending_by_update on messages (updated_at) where status = 'PENDING' and role = 'USER';
