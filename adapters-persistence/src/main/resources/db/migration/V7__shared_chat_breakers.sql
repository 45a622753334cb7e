-- One circuit breaker per chat across the instances of a cluster (docs/scale-out.md, "One circuit
-- breaker per chat across the cluster"). A row exists only while a chat's breaker is OPEN or probing:
-- written by the instance that opened it, read by every instance's poll (a few rows), deleted by a
-- successful probe. Times are the database's own (now()), so instances whose clocks differ agree on
-- what is left of the open time. No foreign key: the row outlives nothing and a deleted chat's row
-- goes with the purge of stale rows.
create sequence chat_breaker_generation;

create table chat_breakers (
    chat_id      uuid        primary key,
    -- a new one per opening (from the sequence: never reused, even after the row was deleted)
    generation   bigint      not null,
    opened_at    timestamptz not null,
    -- refused until then; then HALF_OPEN: probes claim the row below
    open_until   timestamptz not null,
    -- probe claims held now, and when the latest lapses (a claim of a dead instance does not hold for ever)
    probes       integer     not null default 0 check (probes >= 0),
    probe_until  timestamptz
);
