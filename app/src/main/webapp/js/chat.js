// The open chat: opening one (its thread and its event stream), starting a new one, and what the
// chat's events do. A `message` event carries the whole message, so it updates the thread by id;
// the page fetches only what it cannot know: the rest of a gap, or what it missed while the stream
// was down (from where its knowledge ends, never the whole thread again).

import { api } from './api.js';
import { asApiError, endedSession, refreshChats, syncThread } from './load.js';
import { el, render, renderBanner, renderThread, renderTyping } from './render.js';
import { listen } from './realtime.js';
import { reconcileTurns, state, Thread, turnOfRequest } from './state.js';
import { draftKey, ownTryEnded } from './turn.js';

const REMOTE_TYPING_TTL_MS = 35000; // longer than any server deadline: a lost "typing ended" never sticks

function onTyping(event) {
  if (event.chatId !== state.chatId) return;
  if (turnOfRequest(event.requestId)) {
    if (!event.active) ownTryEnded(event.requestId, event.errorCode);
    return; // the page shows its own turns from their responses
  }
  if (event.active) {
    state.remoteTyping.set(event.requestId, Date.now() + REMOTE_TYPING_TTL_MS);
    syncThread(); // the other tab's message is stored, but no event brings it: fetch what is new
  } else {
    state.remoteTyping.delete(event.requestId);
  }
  renderTyping();
}

function onMessage(message) {
  const thread = state.thread;
  if (message.chatId !== state.chatId || !thread) return;
  if (message.role === 'assistant') {
    state.remoteTyping.clear(); // a reply landed: nobody is typing any more
    renderTyping();
  }
  const gap = thread.apply(message);
  reconcileTurns();
  renderThread();
  renderBanner();
  if (gap) syncThread();
  refreshChats();
}

function connect(chatId) {
  const events = listen(chatId, {
    onOpen: (resumed) => {
      document.body.dataset.events = 'open'; // for tests: the stream is registered on the server
      if (resumed) return; // the server replays what this page missed (or sends a reset)
      // a first connection: catch up from the first message that could have changed since the thread was read
      state.thread?.rewindToFirstPending();
      syncThread();
    },
    onReset: () => {
      // what was missed is no longer kept on the server: read the thread again from the first
      // message that could have changed
      state.thread?.rewindToFirstPending();
      syncThread();
    },
    onDown: () => {
      document.body.dataset.events = 'reconnecting';
    },
    onTyping,
    onMessage,
    onDenied: (error) => {
      if (state.events !== events) return;
      state.events = null; // opening the chat again (after signing in again) reconnects
      delete document.body.dataset.events;
      if (error.code === 'UNAUTHENTICATED' || error.code === 'SIGNED_OUT') return; // the sign-in is showing
      state.pageError = { error, retry: null, source: 'events' };
      renderBanner();
    },
  });
  state.events = events;
}

/** Opens a chat: a new thread (loaded from the start) and a new event stream. */
export function openChat(chatId) {
  if (state.chatId === chatId && state.events) return;
  state.events?.close();
  delete document.body.dataset.events;
  if (state.chatId !== chatId || !state.thread) {
    state.chatId = chatId;
    state.thread = new Thread(chatId);
    state.pageError = null;
    history.replaceState(null, '', `${location.pathname}${location.search}#chat=${chatId}`);
    el.input.value = sessionStorage.getItem(draftKey(chatId)) || '';
  }
  state.remoteTyping.clear();
  connect(chatId);
  render();
  syncThread();
}

/**
 * The page leaves the back/forward cache: it must not have held its event stream there (browsers
 * allow ~6 connections per host); the same chat reconnects and catches up on what it missed.
 */
export function closeEvents() {
  state.events?.close();
  state.events = null;
  delete document.body.dataset.events;
}

export async function startChat(event) {
  event.preventDefault();
  const personaId = el.personas.value;
  if (!personaId) return;
  try {
    const { data } = await api.startChat(personaId);
    state.chats = [data, ...state.chats.filter((c) => c.id !== data.id)];
    openChat(data.id);
    el.input.focus();
  } catch (e) {
    if (endedSession(e)) return;
    state.pageError = { error: asApiError(e), retry: () => el.newChat.requestSubmit(), source: 'start' };
    renderBanner();
  }
}
