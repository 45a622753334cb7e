-- Users come from bearer tokens (issue #12): each user is the subject ("sub") of an identity
-- provider's tokens, provisioned on the subject's first request. The seeded demo user goes away with
-- everything it owned; a row of another kind (there should be none) keeps a subject no token can carry.

delete from token_ledger where user_id = '00000000-0000-4000-8000-000000000001';
delete from messages where chat_id in (select id from chats where user_id = '00000000-0000-4000-8000-000000000001');
delete from chats where user_id = '00000000-0000-4000-8000-000000000001';
delete from users where id = '00000000-0000-4000-8000-000000000001';

alter table users add column subject varchar(255);
update users set subject = 'legacy:' || id where subject is null;
alter table users alter column subject set not null;
-- one user per subject: concurrent first requests insert ... on conflict (subject) do nothing
create unique index users_by_subject on users (subject);
