// The open chat's Server-Sent Events (GET /api/chats/{chatId}/events): typing and message.

import { api } from './api.js';

/**
 * Listens to one chat's events until close() is called. EventSource reconnects by itself after a
 * network failure; onOpen runs on every (re)connection so the caller can catch up on what it missed.
 */
export function listen(chatId, { onTyping, onMessage, onOpen }) {
  const source = new EventSource(api.eventsUrl(chatId));
  const parse = (handler) => (event) => {
    let data;
    try { data = JSON.parse(event.data); } catch { return; }
    handler(data);
  };
  source.addEventListener('typing', parse(onTyping));
  source.addEventListener('message', parse(onMessage));
  source.addEventListener('open', () => onOpen());
  return { close: () => source.close() };
}
