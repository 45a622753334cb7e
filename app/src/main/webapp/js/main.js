// The Parley web client: chats, a thread, a composer; localized error banners with Retry/Reload;
// a typing indicator that is true to what is happening. Uses only the public API under /api.
//
// This module only starts the page. The others:
//   state.js     what the page knows (bounded): the thread, its own turns, other tabs' typing
//   render.js    the DOM, drawn from the state
//   load.js      fetching the balance, the chat list and what is new in the thread
//   turn.js      sending, Retry, the client timeout
//   chat.js      opening a chat and handling its events
//   realtime.js  the event stream (Server-Sent Events)
//   api.js, i18n.js, settings.js

import { api } from './api.js';
import { closeEvents, openChat, startChat } from './chat.js';
import * as i18n from './i18n.js';
import { asApiError, refreshChats, refreshMe } from './load.js';
import { actions, el, render, renderPersonas } from './render.js';
import { settings } from './settings.js';
import { metrics, state } from './state.js';
import { draftKey, runTurn, send } from './turn.js';

window.parley = { metrics, settings };
actions.openChat = openChat;
actions.retryTurn = runTurn;

function applyLanguage(lang, remember) {
  i18n.setLanguage(lang, remember);
  el.lang.value = i18n.language();
  i18n.translatePage();
  render();
}

async function start() {
  applyLanguage(i18n.initialLanguage(settings.lang), false);
  el.devPanel.hidden = !settings.dev;
  el.devForceError.value = settings.forceError;
  el.lang.addEventListener('change', () => applyLanguage(el.lang.value, true));
  el.newChat.addEventListener('submit', startChat);
  el.composer.addEventListener('submit', send);
  el.reload.addEventListener('click', () => location.reload());
  el.input.addEventListener('input', () => {
    if (state.chatId) sessionStorage.setItem(draftKey(state.chatId), el.input.value);
  });
  window.addEventListener('pagehide', closeEvents);
  window.addEventListener('pageshow', (e) => {
    if (e.persisted && state.chatId) openChat(state.chatId);
  });
  el.input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) el.composer.requestSubmit();
  });

  const [personas] = await Promise.allSettled([api.personas(), refreshMe(), refreshChats()]);
  if (personas.status === 'fulfilled') state.personas = personas.value.data;
  else state.pageError = { error: asApiError(personas.reason), retry: null, source: 'personas' };
  renderPersonas();
  const wanted = new URLSearchParams(location.hash.slice(1)).get('chat');
  const initial = state.chats.find((c) => c.id === wanted)?.id || state.chats[0]?.id;
  if (initial) openChat(initial);
  else render();
  document.body.dataset.ready = 'true';
}

start();
