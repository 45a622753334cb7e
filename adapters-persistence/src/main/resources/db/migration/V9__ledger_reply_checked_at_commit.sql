-- A turn's completing transaction charges first, then stores the reply (docs/architecture.md#the-turn-flow):
-- every transaction that locks both a user's row and one of their chats' rows then takes the user's
-- first (the send's opening transaction locks the user for the limits, then stores the message and
-- touches the chat), so two turns of one chat can no longer deadlock. The ledger row names the reply
-- before the reply is inserted, so its reference to messages is checked at commit instead of at once.
-- (The uniqueness of message_id, one charge per reply, stays immediate.)
alter table token_ledger alter constraint token_ledger_message_id_fkey deferrable initially deferred;
