// The DOM: draws the state (balance, chats, thread, typing indicator, error banner) and nothing
// else. What a click does is not decided here: main.js fills in `actions`.

import * as i18n from './i18n.js';
import { settings } from './settings.js';
import { newerThan, openTurns, state, unresolved } from './state.js';

const COUNTDOWN_CODES = new Set(['CIRCUIT_OPEN', 'AI_RATE_LIMITED', 'USER_RATE_LIMITED']);
/** The statuses a bubble is styled by (`msg--<status>`): the server's `failed`, and the page's own. */
const MARKED = new Set(['failed', 'sending', 'streaming', 'retrying']);

const $ = (id) => document.getElementById(id);
export const el = {
  balance: $('balance-value'), lang: $('lang-select'), personas: $('persona-select'), newChat: $('new-chat-form'),
  chatList: $('chat-list'), chatsNotice: $('chats-notice'), title: $('thread-title'), thread: $('thread'),
  empty: $('thread-empty'), typing: $('typing'), typingText: $('typing-text'), banner: $('banner'),
  bannerTitle: $('banner-title'), bannerDetail: $('banner-detail'), bannerMeta: $('banner-meta'),
  retry: $('retry-button'), reload: $('reload-button'), countdown: $('retry-countdown'), composer: $('composer'),
  input: $('composer-input'), send: $('send-button'), devPanel: $('dev-panel'), devForceError: $('dev-force-error'),
  app: $('app'), balanceBox: $('balance'), account: $('account'), accountName: $('account-name'),
  signOut: $('signout-button'), signIn: $('signin'), signInForm: $('signin-form'), signInName: $('signin-name'),
  signInNotice: $('signin-notice'), signInError: $('signin-error'), signInButton: $('signin-button'),
};

/** What clicks in drawn elements do: `openChat(chatId)`, `retryTurn(turn)`. */
export const actions = { openChat: () => {}, retryTurn: () => {} };

function currentChat() {
  return state.chats.find((c) => c.id === state.chatId) || null;
}

function personaName(chat) {
  return chat?.personaName || state.personas.find((p) => p.id === chat?.personaId)?.name || i18n.t('someone');
}

export function renderBalance() {
  el.balance.textContent = state.me ? String(state.me.tokenBalance) : '–';
}

export function renderPersonas() {
  const selected = el.personas.value;
  el.personas.replaceChildren(...state.personas.map((p) => {
    const option = new Option(p.name, p.id);
    option.title = p.description || '';
    return option;
  }));
  if (selected) el.personas.value = selected;
}

export function renderChats() {
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
    button.addEventListener('click', () => actions.openChat(chat.id));
    li.append(button);
    return li;
  }));
}

function bubble({ id, role, content, status, errorCode, createdAt }) {
  const li = document.createElement('li');
  li.className = `msg msg--${role}${MARKED.has(status) ? ` msg--${status}` : ''}`;
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
  const sig = JSON.stringify([message.id, message.role, message.status, message.errorCode, message.content,
    message.createdAt, i18n.language()]);
  return { key, sig, build: () => bubble(message) };
}

/** The reply of a turn's try as it streams in, right under the turn's message (none before its first piece). */
function streamedItems(turn) {
  const reply = turn.reply;
  if (!reply?.started) return [];
  const message = reply.retrying ? { role: 'assistant', content: i18n.t('retrying'), status: 'retrying' }
    : { role: 'assistant', content: reply.text, status: 'streaming' };
  return [{ ...item(`reply:${turn.key}`, message), answers: turn.userMessageId }];
}

/**
 * The thread's bubbles. The page's own turns are found by their user message id; while a turn's id
 * is not known yet (in flight, or given up on without an answer) a user message newer than the turn
 * may be its own, so it waits, with the replies to it, until the turn learns its id: the turn's own
 * bubble stands for it meanwhile and nothing shows twice. A reply still streaming gives way to the
 * stored one as soon as the thread has it (the chat's events may bring it before the stream ends).
 */
function threadItems() {
  const thread = state.thread;
  const turns = openTurns();
  const mine = new Map(turns.filter((t) => t.userMessageId).map((t) => [t.userMessageId, t]));
  const waiting = turns.filter(unresolved);
  const held = new Set();
  const answered = new Set();
  const items = [];
  thread?.entries.forEach((entry, i) => {
    const m = entry.message;
    const turn = mine.get(m.id);
    if (m.replyTo) answered.add(m.replyTo);
    if (turn && m.status !== 'completed') {
      // the page knows more than the server told it: sending again, or failed with a reason
      const status = turn.inFlight ? 'sending' : (turn.status === 'failed' ? 'failed' : m.status);
      items.push(item(`turn:${turn.key}`, { ...m, status, errorCode: turn.error?.code || m.errorCode }),
        ...streamedItems(turn));
    } else if (turn) {
      items.push(item(`turn:${turn.key}`, m), ...streamedItems(turn));
    } else if ((m.role === 'user' && waiting.some((t) => newerThan(t, thread, i))) || held.has(m.replyTo)) {
      held.add(m.id);
    } else {
      items.push(item(m.id, m));
    }
  });
  for (const turn of turns) {
    if (turn.status !== 'done' && !(turn.userMessageId && thread?.get(turn.userMessageId))) {
      items.push(item(`turn:${turn.key}`, { role: 'user', content: turn.content,
        status: turn.inFlight ? 'sending' : 'failed', errorCode: turn.error?.code }), ...streamedItems(turn));
    }
  }
  return items.filter((i) => !answered.has(i.answers));
}

export function renderThread() {
  const chat = currentChat();
  el.title.textContent = chat ? (chat.title || i18n.t('untitled', { name: personaName(chat) })) : i18n.t('appName');
  const nearBottom = el.thread.scrollHeight - el.thread.scrollTop - el.thread.clientHeight < 80;
  const items = threadItems();
  patchList(el.thread, items);
  // screen readers wait for a reply that is still being written, and announce it whole
  if (openTurns().some((t) => t.reply?.started)) el.thread.setAttribute('aria-busy', 'true');
  else el.thread.removeAttribute('aria-busy');
  el.empty.textContent = state.chatId ? i18n.t('noMessages') : i18n.t('pickChat');
  el.empty.hidden = state.chatId !== null && items.length > 0;
  if (nearBottom || items.length < 3) el.thread.scrollTop = el.thread.scrollHeight;
}

function typingVisible() {
  const now = Date.now();
  for (const [id, until] of state.remoteTyping) if (until < now) state.remoteTyping.delete(id);
  return openTurns().some((t) => t.inFlight && !t.reply?.started) || state.remoteTyping.size > 0;
}

let typingExpiry = null;
export function renderTyping() {
  const visible = typingVisible();
  el.typing.hidden = !visible;
  el.typingText.textContent = visible ? i18n.t('typing', { name: personaName(currentChat()) }) : '';
  clearTimeout(typingExpiry);
  if (state.remoteTyping.size > 0) {
    const next = Math.min(...state.remoteTyping.values()) - Date.now();
    typingExpiry = setTimeout(renderTyping, Math.max(50, next));
  }
  const busy = openTurns().some((t) => t.inFlight);
  el.send.disabled = !state.chatId || busy;
  el.input.disabled = !state.chatId;
}

/** The error to show: the open chat's latest failed turn, else a page-level failure. */
function currentBanner() {
  const failed = openTurns().filter((t) => t.status === 'failed' && t.error);
  const turn = failed[failed.length - 1];
  if (turn) return { error: turn.error, retry: () => actions.retryTurn(turn) };
  return state.pageError;
}

let countdownTimer = null;
export function renderBanner() {
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

export function render() {
  renderBalance();
  renderChats();
  renderTyping();
  renderThread();
  renderBanner();
}
