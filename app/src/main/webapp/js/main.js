// The Parley web client: a sign-in, then chats, a thread, a composer; localized error banners with
// Retry/Reload; a typing indicator that is true to what is happening. Uses only the public API under /api.
//
// This module only starts the page and switches between signed in and out. The others:
//   auth.js      the bearer token (sessionStorage) and its expiry
//   signin.js    the sign-in view
//   state.js     what the page knows (bounded): the thread, its own turns, other tabs' typing
//   render.js    the DOM, drawn from the state
//   load.js      fetching the balance, the chat list and what is new in the thread
//   turn.js      sending, Retry, the client timeout, the reply as it streams in
//   chat.js      opening a chat and handling its events
//   realtime.js  the event stream (Server-Sent Events, opened with a ticket)
//   sse.js       reading a send's reply stream (Server-Sent Events over fetch)
//   api.js, i18n.js, settings.js

import { api } from './api.js';
import * as auth from './auth.js';
import { closeEvents, openChat, startChat } from './chat.js';
import * as i18n from './i18n.js';
import { asApiError, refreshChats, refreshMe } from './load.js';
import { actions, el, render, renderPersonas } from './render.js';
import { settings } from './settings.js';
import { initSignIn, renderSignIn, showApp, showSignIn } from './signin.js';
import { metrics, state } from './state.js';
import { clearDrafts, draftKey, runTurn, send } from './turn.js';

window.parley = { metrics, settings };
actions.openChat = openChat;
actions.retryTurn = runTurn;

function applyLanguage(lang, remember) {
  i18n.setLanguage(lang, remember);
  el.lang.value = i18n.language();
  i18n.translatePage();
  renderSignIn();
  render();
}

/** Shows the app for the signed-in user: personas, balance, chats, then the chat in the address (or the newest). */
async function enterApp() {
  delete document.body.dataset.ready;
  showApp(auth.current()?.username || '');
  const [personas] = await Promise.allSettled([api.personas(), refreshMe(), refreshChats()]);
  if (personas.status === 'fulfilled') state.personas = personas.value.data;
  else state.pageError = { error: asApiError(personas.reason), retry: null, source: 'personas' };
  renderPersonas();
  if (document.body.dataset.view !== 'app') return; // the session ended meanwhile
  const wanted = new URLSearchParams(location.hash.slice(1)).get('chat');
  const initial = state.chats.find((c) => c.id === wanted)?.id || state.chats[0]?.id;
  if (wanted && initial !== wanted && !state.chatsStale) {
    history.replaceState(null, '', `${location.pathname}${location.search}`); // not one of this user's chats
  }
  if (initial) openChat(initial);
  else render();
  if (state.chatId) el.input.focus();
  document.body.dataset.ready = 'true';
}

/** Forgets the previous user: their chats, thread, turns, drafts, stream and the chat in the address. */
function forgetUser() {
  closeEvents();
  Object.assign(state, { me: null, chats: [], chatsStale: false, chatId: null, thread: null, turns: [], pageError: null });
  state.remoteTyping.clear();
  el.input.value = '';
  clearDrafts();
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  render();
}

/**
 * The session ended by itself (a 401, the token's expiry): the stream closes, the draft and the open
 * chat stay (in sessionStorage and the address) for when the same user signs in again.
 */
function sessionEnded() {
  if (document.body.dataset.view === 'signin') return;
  closeEvents();
  if (state.chatId) sessionStorage.setItem(draftKey(state.chatId), el.input.value);
  showSignIn('sessionEnded');
}

function signOut() {
  auth.signOut();
  forgetUser();
  showSignIn('signedOut');
}

async function signedIn(username, token) {
  const previous = auth.lastUser();
  auth.store(username, token);
  if (previous && previous !== username) forgetUser();
  await enterApp();
}

async function start() {
  applyLanguage(i18n.initialLanguage(settings.lang), false);
  el.devPanel.hidden = !settings.dev;
  el.devForceError.value = settings.forceError;
  el.lang.addEventListener('change', () => applyLanguage(el.lang.value, true));
  el.newChat.addEventListener('submit', startChat);
  el.composer.addEventListener('submit', send);
  el.reload.addEventListener('click', () => location.reload());
  el.signOut.addEventListener('click', signOut);
  el.input.addEventListener('input', () => {
    if (state.chatId) sessionStorage.setItem(draftKey(state.chatId), el.input.value);
  });
  window.addEventListener('pagehide', closeEvents);
  window.addEventListener('pageshow', (e) => {
    if (e.persisted && state.chatId && auth.current()) openChat(state.chatId);
  });
  el.input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault(); // the Enter sends; it must not leave a line break in the emptied composer
      el.composer.requestSubmit();
    }
  });
  auth.onEnded(sessionEnded);
  initSignIn(signedIn);

  if (auth.current()) {
    await enterApp();
  } else {
    showSignIn(auth.endedUnasked() ? 'sessionEnded' : null);
    document.body.dataset.ready = 'true';
  }
}

start();
