// The open chat's Server-Sent Events (GET /api/chats/{chatId}/events): typing and message.
//
// EventSource cannot send an Authorization header, so every connection starts with a single-use
// ticket (POST /api/chats/{chatId}/events/ticket, with the token) that the stream's URL carries.
// The server ends a stream when the token it was opened with would expire; a network failure ends
// it too. EventSource would then reconnect by itself with the same, spent, ticket: instead the page
// closes it and opens a new connection with a new ticket, after a short delay that doubles (up to
// MAX_DELAY_MS) while connections keep failing, or ending within STABLE_MS of opening. A ticket refused with 401 (the
// session ended: api.js shows the sign-in), 403 or 404 (not the caller's chat) stops reconnecting.

import { api } from './api.js';

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 30000;
/** A stream that stayed open this long was fine: the next reconnection starts from the first delay again. */
const STABLE_MS = 10000;
const DENIED = new Set([401, 403, 404]);

/**
 * Listens to one chat's events until close() is called. onOpen(resumed) runs on every (re)connection:
 * resumed is true when the stream resumed from the last event seen (the server replays what was
 * missed), false on a first connection (the caller catches up itself); onReset when the server could
 * not replay what was missed (reload the chat); onDown when a stream ended or failed (a new one
 * follows); onDenied(error) when the server refuses the chat's stream for good (no more reconnections).
 */
export function listen(chatId, { onTyping, onMessage, onOpen, onReset, onDown, onDenied }) {
  let source = null;
  let timer = null;
  let closed = false;
  let failures = 0; // connections in a row that failed or did not stay open for STABLE_MS
  let openedAt = 0;
  let lastEventId = null; // the id of the last event received, on any connection

  const parse = (handler) => (event) => {
    if (event.lastEventId) lastEventId = event.lastEventId;
    let data;
    try { data = JSON.parse(event.data); } catch { return; }
    handler(data);
  };

  function reconnect(retryAfterSeconds) {
    source?.close();
    source = null;
    if (closed) return;
    const backoff = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** failures);
    failures += 1;
    const delay = Math.max(backoff * (0.5 + Math.random() / 2), (retryAfterSeconds || 0) * 1000);
    clearTimeout(timer);
    timer = setTimeout(connect, delay);
  }

  async function connect() {
    timer = null;
    let ticket;
    try {
      ticket = (await api.eventsTicket(chatId)).data?.ticket;
    } catch (error) {
      if (closed) return;
      if (DENIED.has(error.status) || error.code === 'SIGNED_OUT') {
        closed = true;
        onDenied(error);
        return;
      }
      reconnect(error.retryAfterSeconds);
      return;
    }
    if (closed) return;
    if (typeof ticket !== 'string' || !ticket) {
      reconnect();
      return;
    }
    const resumed = lastEventId !== null;
    const opened = new EventSource(api.eventsUrl(chatId, ticket, lastEventId));
    source = opened;
    opened.addEventListener('typing', parse(onTyping));
    opened.addEventListener('message', parse(onMessage));
    opened.addEventListener('reset', parse(() => onReset()));
    opened.addEventListener('open', () => {
      openedAt = Date.now();
      onOpen(resumed);
    });
    opened.addEventListener('error', () => {
      if (source !== opened) return;
      if (openedAt && Date.now() - openedAt >= STABLE_MS) failures = 0;
      openedAt = 0;
      onDown();
      reconnect();
    });
  }

  connect();
  return {
    close: () => {
      closed = true;
      clearTimeout(timer);
      source?.close();
      source = null;
    },
  };
}
