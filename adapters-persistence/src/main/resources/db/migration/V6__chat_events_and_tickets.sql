-- Chat events across instances (docs/architecture.md#chat-events, docs/scale-out.md).
--
-- The outbox: what a turn tells the chat's watchers, written in the turn's own transaction and read
-- by every instance. A chat's events are numbered 1, 2, 3, ... without a gap: an append raises the
-- chat's last_event_id (which locks the chat's row until the commit, so the events of one chat commit
-- in the order of their ids) and inserts the events below it. last_event_id survives the purge, so a
-- client resuming from an id older than the retention is told to reload.
alter table chats add column last_event_id bigint not null default 0;

create table chat_events (
    chat_id    uuid        not null,
    id         bigint      not null,
    kind       varchar(32) not null,
    payload    text        not null,
    created_at timestamptz not null default now(),
    primary key (chat_id, id)
);
-- the retention purge deletes by age; rows arrive in time order, so a BRIN index is enough and
-- costs the insert next to nothing
create index chat_events_by_time on chat_events using brin (created_at);

-- Event-stream tickets, redeemable on any instance, once: only a SHA-256 of the ticket is kept.
create table event_tickets (
    hash        bytea       primary key,
    user_id     uuid        not null,
    chat_id     uuid        not null,
    valid_until timestamptz not null,
    expires_at  timestamptz not null
);
