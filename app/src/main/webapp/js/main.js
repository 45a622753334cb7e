// The Parley web client: chats, a thread, a composer; localized error banners with Retry/Reload;
// a typing indicator that is true to what is happening. Uses only the public API under /api.

import { api, ApiError } from './api.js';
import * as i18n from './i18n.js';
import { listen } from './realtime.js';
import { settings } from './settings.js';

const COUNTDOWN_CODES = new Set(['CIRCUIT_OPEN', 'AI_RATE_LIMITED']);
const REMOTE_TYPING_TTL_MS = 35000; // longer than any server deadline: a lost "typing ended" never sticks

const $ = (id) => document.getElementById(id);
const el = {
  balance: $('balance-value'), lang: $('lang-select'), personas: $('persona-select'), newChat: $('new-chat-form'),
  chatList: $('chat-list'), chatsNotice: $('chats-notice'), title: $('thread-title'), thread: $('thread'),
  empty: $('thread-empty'), typing: $('typing'), typingText: $('typing-text'), banner: $('banner'),
  bannerTitle: $('banner-title'), bannerDetail: $('banner-detail'), bannerMeta: $('banner-meta'),
  retry: $('retry-button'), reload: $('reload-button'), countdown: $('retry-countdown'), composer: $('composer'),
  input: $('composer-input'), send: $('send-button'), devPanel: $('dev-panel'), devForceError: $('dev-force-error'),
};

const state = {
  me: null,
  personas: [],
  chats: [],
  chatsStale: false,
  chatId: null,
  messages: [], // the open chat's thread as the server has it
  turns: [], // the page's own turns: { key, chatId, content, status, inFlight, userMessageId, knownIds, error }
  pageError: null, // a failure outside a turn: { error, retry }
  remoteTyping: new Map(), // requestId -> { chatId, until } for turns of other tabs
  ownRequests: new Set(),
  events: null,
};

// What the browser tests (and curious developers) read: how fast the indicator follows the response.
const metrics = { indicatorShownMs: [], indicatorClear: [] };
window.parley = { metrics, settings };

// ---------------------------------------------------------------- rendering

function currentChat() {
  return state.chats.find((c) => c.id === state.chatId) || null;
}

function personaName(chat) {
  return chat?.personaName || state.personas.find((p) => p.id === chat?.personaId)?.name || i18n.t('someone');
}

function renderBalance() {
  el.balance.textContent = state.me ? String(state.me.tokenBalance) : '–';
}

function renderPersonas() {
  const selected = el.personas.value;
  el.personas.replaceChildren(...state.personas.map((p) => {
    const option = new Option(p.name, p.id);
    option.title = p.description || '';
    return option;
  }));
  if (selected) el.personas.value = selected;
}

function renderChats() {
  el.chatsNotice.hidden = !state.chatsStale;
  el.chatsNotice.textContent = state.chatsStale ? i18n.t('chatsStale') : '';
  if (state.chats.length === 0) {
    const li = document.createElement('li');
    li.className = 'chat-list__empty';
    li.textContent = i18n.t('noChats');
    el.chatList.replaceChildren(li);
    return;
  }
  el.chatList.replaceChildren(...state.chats.map((chat) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'chat-item';
    button.dataset.chatId = chat.id;
    if (chat.id === state.chatId) button.setAttribute('aria-current', 'true');
    const name = document.createElement('span');
    name.className = 'chat-item__name';
    name.textContent = chat.title || personaName(chat);
    const preview = document.createElement('span');
    preview.className = 'chat-item__preview';
    const last = chat.lastMessage;
    preview.textContent = last ? `${last.role === 'user' ? `${i18n.t('you')}: ` : ''}${last.content}` : '…';
    button.append(name, preview);
    button.addEventListener('click', () => openChat(chat.id));
    li.append(button);
    return li;
  }));
}

/** Pairs the page's turns with the server's user messages: by id once known, else by content among new ones. */
function claimMessages() {
  const claimed = new Map();
  for (const turn of state.turns.filter((t) => t.chatId === state.chatId)) {
    if (!turn.userMessageId) {
      const match = state.messages.find((m) => m.role === 'user' && m.content === turn.content
        && !turn.knownIds.has(m.id) && !claimed.has(m.id));
      if (match) turn.userMessageId = match.id;
    }
    if (turn.userMessageId && state.messages.some((m) => m.id === turn.userMessageId)) {
      claimed.set(turn.userMessageId, turn);
    }
  }
  return claimed;
}

function bubble({ id, role, content, status, errorCode, createdAt }) {
  const li = document.createElement('li');
  li.className = `msg msg--${role}${status === 'failed' ? ' msg--failed' : ''}${status === 'sending' ? ' msg--sending' : ''}`;
  li.dataset.role = role;
  li.dataset.status = status;
  if (id) li.dataset.id = id;
  const body = document.createElement('div');
  body.className = 'msg__bubble';
  body.textContent = content;
  const meta = document.createElement('div');
  meta.className = 'msg__meta';
  const parts = [];
  if (createdAt) {
    parts.push(new Date(createdAt).toLocaleTimeString(i18n.language() === 'zh' ? 'zh-CN' : 'en', {
      hour: '2-digit', minute: '2-digit' }));
  }
  if (status === 'sending' || status === 'pending') parts.push(i18n.t('sending'));
  if (status === 'failed') parts.push(`${i18n.t('failed')}${errorCode ? ` · ${i18n.errorTitle(errorCode)}` : ''}`);
  meta.textContent = parts.join(' · ');
  li.append(body, meta);
  return li;
}

/**
 * Updates a list in place: a child is kept while its key and signature stay the same, so screen
 * readers (aria-live) announce only what is new or changed.
 */
function patchList(container, items) {
  const existing = new Map([...container.children].map((c) => [c.dataset.key, c]));
  const wanted = new Set(items.map((i) => i.key));
  for (const [key, node] of existing) if (!wanted.has(key)) node.remove();
  let previous = null;
  for (const item of items) {
    let node = existing.get(item.key);
    if (!node || node.dataset.sig !== item.sig) {
      const fresh = item.build();
      fresh.dataset.key = item.key;
      fresh.dataset.sig = item.sig;
      if (node?.isConnected) node.replaceWith(fresh);
      node = fresh;
    }
    const expected = previous ? previous.nextElementSibling : container.firstElementChild;
    if (expected !== node) container.insertBefore(node, expected);
    previous = node;
  }
}

function item(key, message) {
  const sig = JSON.stringify([message.role, message.status, message.errorCode, message.content, message.createdAt,
    i18n.language()]);
  return { key, sig, build: () => bubble(message) };
}

function renderThread() {
  const chat = currentChat();
  el.title.textContent = chat ? (chat.title || i18n.t('untitled', { name: personaName(chat) })) : i18n.t('appName');
  const nearBottom = el.thread.scrollHeight - el.thread.scrollTop - el.thread.clientHeight < 80;
  const claimed = claimMessages();
  const items = state.messages.map((m) => {
    const turn = claimed.get(m.id);
    if (turn && m.status !== 'completed') {
      // the page knows more than the last fetch: sending again, or failed with a reason
      const status = turn.inFlight ? 'sending' : (turn.status === 'failed' ? 'failed' : m.status);
      return item(`turn:${turn.key}`, { ...m, status, errorCode: turn.error?.code || m.errorCode });
    }
    return item(turn ? `turn:${turn.key}` : m.id, m);
  });
  for (const turn of state.turns) {
    if (turn.chatId === state.chatId && !claimed.has(turn.userMessageId) && turn.status !== 'done') {
      items.push(item(`turn:${turn.key}`, { role: 'user', content: turn.content,
        status: turn.inFlight ? 'sending' : 'failed', errorCode: turn.error?.code }));
    }
  }
  patchList(el.thread, items);
  el.empty.textContent = state.chatId ? i18n.t('noMessages') : i18n.t('pickChat');
  el.empty.hidden = state.chatId !== null && items.length > 0;
  if (nearBottom || items.length < 3) el.thread.scrollTop = el.thread.scrollHeight;
}

function typingVisible() {
  const now = Date.now();
  for (const [id, entry] of state.remoteTyping) if (entry.until < now) state.remoteTyping.delete(id);
  const own = state.turns.some((t) => t.chatId === state.chatId && t.inFlight);
  const remote = [...state.remoteTyping.values()].some((e) => e.chatId === state.chatId);
  return own || remote;
}

let typingExpiry = null;
function renderTyping() {
  const visible = typingVisible();
  el.typing.hidden = !visible;
  el.typingText.textContent = visible ? i18n.t('typing', { name: personaName(currentChat()) }) : '';
  clearTimeout(typingExpiry);
  if (state.remoteTyping.size > 0) {
    const next = Math.min(...[...state.remoteTyping.values()].map((e) => e.until)) - Date.now();
    typingExpiry = setTimeout(renderTyping, Math.max(50, next));
  }
  const busy = state.turns.some((t) => t.chatId === state.chatId && t.inFlight);
  el.send.disabled = !state.chatId || busy;
  el.input.disabled = !state.chatId;
}

/** The error to show: the open chat's latest failed turn, else a page-level failure. */
function currentBanner() {
  const failed = state.turns.filter((t) => t.chatId === state.chatId && t.status === 'failed' && t.error);
  const turn = failed[failed.length - 1];
  if (turn) return { error: turn.error, retry: () => runTurn(turn) };
  return state.pageError;
}

let countdownTimer = null;
function renderBanner() {
  clearInterval(countdownTimer);
  const banner = currentBanner();
  if (!banner) {
    el.banner.hidden = true;
    el.banner.removeAttribute('data-code');
    return;
  }
  const { error } = banner;
  el.banner.hidden = false;
  el.banner.dataset.code = error.code;
  el.bannerTitle.textContent = i18n.errorTitle(error.code);
  const serverDetail = error.detail && error.detailLanguage === i18n.language() ? error.detail : null;
  el.bannerDetail.textContent = serverDetail
    || i18n.errorFallback(error.code, { seconds: i18n.duration(settings.clientTimeoutMs), status: error.status });
  el.bannerMeta.textContent = error.requestId ? `${i18n.t('requestId')}: ${error.requestId}` : '';
  el.bannerMeta.hidden = !error.requestId;
  const canRetry = error.retryable && typeof banner.retry === 'function';
  el.retry.hidden = !canRetry;
  el.reload.hidden = canRetry;
  el.retry.onclick = canRetry ? () => banner.retry() : null;
  el.countdown.textContent = '';
  el.retry.disabled = false;
  if (canRetry && COUNTDOWN_CODES.has(error.code) && error.retryAfterSeconds > 0) {
    error.retryAt ??= error.resolvedAt + error.retryAfterSeconds * 1000;
    const tick = () => {
      const left = Math.ceil((error.retryAt - performance.now()) / 1000);
      el.retry.disabled = left > 0;
      el.countdown.textContent = left > 0 ? i18n.t('retryIn', { seconds: left }) : '';
      el.banner.dataset.countdown = String(Math.max(0, left));
      if (left <= 0) clearInterval(countdownTimer);
    };
    tick();
    countdownTimer = setInterval(tick, 250);
  } else {
    delete el.banner.dataset.countdown;
  }
}

function render() {
  renderBalance();
  renderChats();
  renderTyping();
  renderThread();
  renderBanner();
}

// ---------------------------------------------------------------- loading

async function refreshMe() {
  try {
    state.me = (await api.me()).data;
  } catch {
    // the balance keeps its last value; the next turn refreshes it again
  }
  renderBalance();
}

async function refreshChats() {
  try {
    state.chats = (await api.chats()).data;
    state.chatsStale = false;
  } catch {
    state.chatsStale = true; // the list stays as it was
  }
  renderChats();
  if (state.chatId) renderThread();
}

let threadLoading = null;
let threadReloadAgain = false;
/** Loads the open chat's thread; calls made while one is loading coalesce into one more load. */
function loadThread() {
  if (threadLoading) {
    threadReloadAgain = true;
    return threadLoading;
  }
  const chatId = state.chatId;
  if (!chatId) return Promise.resolve();
  threadLoading = (async () => {
    try {
      const { data } = await api.messages(chatId);
      if (state.chatId !== chatId) return;
      state.messages = data.items;
      if (state.pageError?.source === 'thread') state.pageError = null;
      reconcileTurns();
    } catch (e) {
      if (state.chatId !== chatId) return;
      state.pageError = { error: asApiError(e), retry: loadThread, source: 'thread' };
    } finally {
      threadLoading = null;
      render();
      if (threadReloadAgain) {
        threadReloadAgain = false;
        loadThread();
      }
    }
  })();
  return threadLoading;
}

/** A turn the page gave up on (timeout, failure) that the server answered after all is done. */
function reconcileTurns() {
  const claimed = claimMessages();
  for (const [id, turn] of claimed) {
    const message = state.messages.find((m) => m.id === id);
    if (message?.status === 'completed' && !turn.inFlight && turn.status !== 'done') {
      turn.status = 'done';
      turn.error = null;
    }
  }
}

function asApiError(e) {
  return e instanceof ApiError ? e : new ApiError({ code: 'HTTP_ERROR' });
}

// ---------------------------------------------------------------- chats and events

function openChat(chatId) {
  if (state.chatId === chatId && state.events) return;
  state.events?.close();
  delete document.body.dataset.events;
  state.chatId = chatId;
  state.messages = [];
  state.pageError = null;
  state.remoteTyping.clear();
  history.replaceState(null, '', `${location.pathname}${location.search}#chat=${chatId}`);
  el.input.value = sessionStorage.getItem(draftKey()) || '';
  state.events = listen(chatId, {
    onOpen: () => {
      document.body.dataset.events = 'open'; // for tests: the stream is registered on the server
      loadThread();
    },
    onTyping: (event) => {
      if (state.ownRequests.has(event.requestId) || event.chatId !== state.chatId) return;
      if (event.active) {
        state.remoteTyping.set(event.requestId, { chatId: event.chatId, until: Date.now() + REMOTE_TYPING_TTL_MS });
      } else {
        state.remoteTyping.delete(event.requestId);
      }
      renderTyping();
      loadThread();
    },
    onMessage: (message) => {
      if (message.chatId !== state.chatId) return;
      if (message.role === 'assistant') {
        state.remoteTyping.clear(); // a reply landed: nobody is typing any more
        renderTyping();
      }
      loadThread();
      refreshChats();
    },
  });
  render();
  loadThread();
}

async function startChat(event) {
  event.preventDefault();
  const personaId = el.personas.value;
  if (!personaId) return;
  try {
    const { data } = await api.startChat(personaId);
    state.chats = [data, ...state.chats.filter((c) => c.id !== data.id)];
    openChat(data.id);
    el.input.focus();
  } catch (e) {
    state.pageError = { error: asApiError(e), retry: () => el.newChat.requestSubmit(), source: 'start' };
    renderBanner();
  }
}

// ---------------------------------------------------------------- sending

function draftKey() {
  return `parley.draft.${state.chatId}`;
}

function takeForceError() {
  const value = el.devForceError.value.trim();
  el.devForceError.value = ''; // one request only: Retry goes out without it
  return value;
}

function send(event) {
  event.preventDefault();
  const content = el.input.value;
  if (!state.chatId || content.trim() === '' || el.send.disabled) return;
  const turn = {
    key: crypto.randomUUID(),
    chatId: state.chatId,
    content,
    status: 'sending',
    inFlight: false,
    userMessageId: null,
    knownIds: new Set(state.messages.map((m) => m.id)),
    error: null,
  };
  state.turns.push(turn);
  el.input.value = '';
  sessionStorage.removeItem(draftKey());
  runTurn(turn);
}

/** One try of a turn (the first or a Retry): same idempotency key, same content. */
async function runTurn(turn) {
  const requestId = crypto.randomUUID();
  state.ownRequests.add(requestId);
  const clickedAt = performance.now();
  turn.inFlight = true;
  turn.status = 'sending';
  turn.error = null;
  if (state.pageError?.source !== 'thread') state.pageError = null;
  renderTyping(); // the indicator first, at once
  metrics.indicatorShownMs.push(performance.now() - clickedAt);
  renderThread();
  renderBanner();
  let resolvedAt;
  try {
    const result = await api.send(turn.chatId, turn.content, {
      idempotencyKey: turn.key, requestId, forceError: takeForceError(), timeoutMs: settings.clientTimeoutMs,
    });
    resolvedAt = result.resolvedAt;
    turn.inFlight = false;
    turn.status = 'done';
    turn.userMessageId = result.data.userMessage.id;
    clearIndicator(resolvedAt, 'success');
    if (turn.chatId === state.chatId) {
      const fresh = [result.data.userMessage, result.data.assistantMessage];
      state.messages = [...state.messages.filter((m) => !fresh.some((f) => f.id === m.id)), ...fresh];
    }
    if (state.me) state.me.tokenBalance = result.data.tokenBalance;
  } catch (e) {
    const error = asApiError(e);
    resolvedAt = error.resolvedAt;
    turn.inFlight = false;
    turn.status = 'failed';
    turn.error = error;
    if (error.userMessageId) turn.userMessageId = error.userMessageId;
    clearIndicator(resolvedAt, error.code);
    if (!turn.userMessageId && !error.retryable && !el.input.value) {
      // nothing was stored: the text goes back to the composer (and its saved draft)
      el.input.value = turn.content;
      sessionStorage.setItem(`parley.draft.${turn.chatId}`, turn.content);
    }
  }
  render();
  refreshMe();
  refreshChats();
  if (turn.status === 'failed') loadThread(); // the server's view of the failed turn
}

/** Hides the indicator for a finished try and records how long after the response that took. */
function clearIndicator(resolvedAt, outcome) {
  renderTyping();
  if (!el.typing.hidden) return; // another tab's turn keeps it on, truthfully
  const entry = { outcome, hiddenMs: round(performance.now() - resolvedAt) };
  metrics.indicatorClear.push(entry);
  requestAnimationFrame(() => { entry.paintedMs = round(performance.now() - resolvedAt); });
}

function round(ms) {
  return Math.round(ms * 100) / 100;
}

// ---------------------------------------------------------------- start

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
    if (state.chatId) sessionStorage.setItem(draftKey(), el.input.value);
  });
  // a page kept in the back/forward cache must not hold its event stream (browsers allow ~6
  // connections per host); it reconnects and catches up when shown again
  window.addEventListener('pagehide', () => {
    state.events?.close();
    state.events = null;
  });
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
