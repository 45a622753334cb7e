// The page's own turns: sending a message, Retry (the same Idempotency-Key, a new X-Request-Id),
// the client timeout, the reply as it streams in, and what the answer teaches the page (the ids of
// its messages, the balance).

import { api } from './api.js';
import { asApiError, endedSession, refreshChats, refreshMe, syncThread } from './load.js';
import { el, render, renderBanner, renderThread, renderTyping } from './render.js';
import { settings } from './settings.js';
import { newTry, newTurn, recordMetric, state, StreamedReply, turnOfRequest, unresolved } from './state.js';

const DRAFT_PREFIX = 'parley.draft.';

export function draftKey(chatId) {
  return `${DRAFT_PREFIX}${chatId}`;
}

/** Forgets every chat's draft (signing out, or in as someone else). */
export function clearDrafts() {
  Object.keys(sessionStorage).filter((key) => key.startsWith(DRAFT_PREFIX))
    .forEach((key) => sessionStorage.removeItem(key));
}

function takeForceError() {
  const value = el.devForceError.value.trim();
  el.devForceError.value = ''; // one request only: Retry goes out without it
  return value;
}

/** The composer's submit: a new turn with the text. */
export function send(event) {
  event.preventDefault();
  const content = el.input.value;
  if (!state.chatId || content.trim() === '' || el.send.disabled) return;
  const turn = newTurn(state.chatId, content);
  el.input.value = '';
  sessionStorage.removeItem(draftKey(turn.chatId));
  runTurn(turn);
}

/** The turn's user message as the server stored it: it joins the thread, the turn knows it by id. */
function stored(turn, userMessage) {
  turn.userMessageId = userMessage.id;
  if (state.thread?.chatId === turn.chatId) state.thread.apply(userMessage);
}

/** What the server's answer (the `completed` event's body) says about the turn's messages and the balance. */
function learn(turn, data) {
  stored(turn, data.userMessage);
  if (state.thread?.chatId === turn.chatId) state.thread.apply(data.assistantMessage);
  if (state.me) state.me.tokenBalance = data.tokenBalance;
}

/**
 * What the try's stream tells before its end: the user message is stored (`accepted`), the next piece
 * of the reply (`delta`: the first one takes the typing indicator's place), an attempt failed and
 * the server tries again (`retrying`: its text is void).
 */
function hear(turn, name, data) {
  if (name === 'accepted') {
    stored(turn, data);
  } else if (name === 'delta') {
    const first = !turn.reply.started;
    if (!turn.reply.delta(data)) return;
    if (first) {
      const readAt = performance.now();
      clearIndicator(readAt, 'delta');
      timeToFirstPiece(turn, readAt);
    }
  } else if (name === 'retrying') {
    if (!turn.reply.retry(data)) return;
  } else {
    return;
  }
  renderThread();
}

/** The try's answer is in: the turn is no longer sending, and what the answer says replaces the streamed text. */
function tryEnded(turn) {
  turn.inFlight = false;
  turn.reply = null;
}

/**
 * A try refused because the session ended (401, or no usable token): the server refuses such a
 * request before it reaches the chat, so a first try stored nothing — the turn goes and its text
 * returns to the composer (before whatever was typed since), to be sent again after signing in. A
 * Retry leaves the turn as it was before it: failed, with Retry. (SIGNED_OUT: the user signed out
 * meanwhile, the page no longer shows their chats and the answer is dropped.)
 */
function sessionOver(turn) {
  tryEnded(turn);
  if (turn.requestIds.length > 1 || turn.userMessageId) {
    turn.status = 'failed';
    turn.error = turn.previousError || turn.error;
  } else {
    state.turns = state.turns.filter((t) => t !== turn);
    if (state.chatId === turn.chatId) {
      el.input.value = el.input.value.trim() ? `${turn.content}\n${el.input.value}` : turn.content;
      sessionStorage.setItem(draftKey(turn.chatId), el.input.value);
    }
  }
  render();
}

/** One try of a turn (the first or a Retry): same idempotency key, same content, a new request id. */
export async function runTurn(turn) {
  const requestId = newTry(turn);
  const clickedAt = performance.now();
  turn.sentAt = clickedAt;
  turn.inFlight = true;
  turn.reply = new StreamedReply();
  turn.status = 'sending';
  turn.previousError = turn.error;
  turn.error = null;
  if (state.pageError?.source !== 'thread') state.pageError = null;
  renderTyping(); // the indicator first, at once
  recordMetric('indicatorShownMs', performance.now() - clickedAt);
  renderThread();
  renderBanner();
  try {
    const result = await api.send(turn.chatId, turn.content, {
      idempotencyKey: turn.key, requestId, forceError: takeForceError(), timeoutMs: settings.clientTimeoutMs,
      onEvent: (name, data) => hear(turn, name, data),
    });
    tryEnded(turn);
    turn.status = 'done';
    learn(turn, result.data);
    clearIndicator(result.resolvedAt, 'success');
  } catch (e) {
    const error = asApiError(e);
    if (endedSession(error)) {
      sessionOver(turn);
      return;
    }
    tryEnded(turn);
    turn.status = 'failed';
    turn.error = error;
    if (error.userMessageId) turn.userMessageId = error.userMessageId;
    clearIndicator(error.resolvedAt, error.code);
    if (!turn.userMessageId && !error.retryable && !el.input.value) {
      // nothing was stored: the text goes back to the composer (and its saved draft)
      el.input.value = turn.content;
      sessionStorage.setItem(draftKey(turn.chatId), turn.content);
    }
    // the server's view of the failed turn, unless its event already brought it
    if (turn.userMessageId && !state.thread?.get(turn.userMessageId)) syncThread();
  }
  render();
  refreshMe();
  refreshChats();
}

/**
 * A typing event of one of the page's own requests ended. When the page gave up on that try (a
 * client timeout) and the server answered after all, asking again with the turn's Idempotency-Key
 * replays the stored answer (nothing is charged twice) and tells the page its messages' ids.
 */
export async function ownTryEnded(requestId, errorCode) {
  const turn = turnOfRequest(requestId);
  if (!turn || turn.inFlight || errorCode || !unresolved(turn)) return;
  try {
    const result = await api.send(turn.chatId, turn.content, { idempotencyKey: turn.key, requestId: newTry(turn),
      timeoutMs: settings.clientTimeoutMs });
    if (turn.inFlight) return; // a Retry went out meanwhile: its answer decides
    turn.status = 'done';
    turn.error = null;
    learn(turn, result.data);
    render();
    refreshChats();
  } catch {
    // the turn stays as the user saw it: failed, with Retry
  }
}

/**
 * Hides the indicator when the try's answer (or the first piece of its reply) came, and records how
 * long after it that took.
 */
function clearIndicator(resolvedAt, outcome) {
  const shown = !el.typing.hidden;
  renderTyping();
  if (!shown || !el.typing.hidden) return; // gone already, or another tab's turn keeps it on, truthfully
  const entry = { outcome, hiddenMs: round(performance.now() - resolvedAt) };
  recordMetric('indicatorClear', entry);
  requestAnimationFrame(() => { entry.paintedMs = round(performance.now() - resolvedAt); });
}

/**
 * How long after Send (or Retry) the reply's first piece was read, and painted by the next frame
 * (window.parley.metrics.firstDelta: {readMs, paintedMs}); the first piece of a try only.
 */
function timeToFirstPiece(turn, readAt) {
  const entry = { readMs: round(readAt - turn.sentAt) };
  recordMetric('firstDelta', entry);
  requestAnimationFrame(() => { entry.paintedMs = round(performance.now() - turn.sentAt); });
}

function round(ms) {
  return Math.round(ms * 100) / 100;
}
