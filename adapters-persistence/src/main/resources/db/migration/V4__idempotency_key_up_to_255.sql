-- Idempotency keys are 1-255 printable ASCII characters (issue #13, point 2); the column held 200,
-- so a longer valid key failed at insert with a 500.
alter table messages alter column idempotency_key type varchar(255);
