-- Parley schema: users with a token balance that cannot go negative, personas, chats, messages
-- (role, status, idempotency key) and a token ledger whose uniqueness on the reply makes a double
-- charge impossible.

create table users (
    id             uuid primary key,
    display_name   varchar(120) not null,
    locale         varchar(8)   not null default 'en',
    token_balance  bigint       not null check (token_balance >= 0),
    created_at     timestamptz  not null default now()
);

create table personas (
    id             uuid primary key,
    name           varchar(80)  not null unique,
    description    varchar(400) not null,
    system_prompt  text         not null,
    created_at     timestamptz  not null default now()
);

create table chats (
    id               uuid primary key,
    user_id          uuid         not null references users (id),
    persona_id       uuid         not null references personas (id),
    title            varchar(200) not null,
    created_at       timestamptz  not null,
    last_activity_at timestamptz  not null
);
create index chats_by_owner_activity on chats (user_id, last_activity_at desc);

create table messages (
    id               uuid primary key,
    seq              bigint generated always as identity unique,
    chat_id          uuid         not null references chats (id),
    role             varchar(16)  not null check (role in ('USER', 'ASSISTANT')),
    content          text         not null,
    status           varchar(16)  not null check (status in ('PENDING', 'COMPLETED', 'FAILED')),
    idempotency_key  varchar(200),
    reply_to         uuid references messages (id),
    error_code       varchar(40),
    created_at       timestamptz  not null,
    updated_at       timestamptz  not null,
    check ((role = 'ASSISTANT') = (reply_to is not null)),
    check (role = 'USER' or idempotency_key is null)
);
create index messages_by_chat on messages (chat_id, seq);
-- the same Idempotency-Key on the same chat is the same turn: one user message
create unique index messages_idempotency on messages (chat_id, idempotency_key) where idempotency_key is not null;
-- a user message has at most one reply
create unique index messages_one_reply on messages (reply_to) where reply_to is not null;

create table token_ledger (
    id             uuid primary key,
    user_id        uuid        not null references users (id),
    -- one charge per reply: a second charge for the same reply violates this constraint
    message_id     uuid        not null unique references messages (id),
    delta          bigint      not null check (delta < 0),
    balance_after  bigint      not null check (balance_after >= 0),
    created_at     timestamptz not null
);
create index token_ledger_by_user on token_ledger (user_id, created_at);
