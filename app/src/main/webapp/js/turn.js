// The page's own turns: sending a message, Retry (the same Idempotency-Key, a new X-Request-Id),
// the client timeout, and what the response teaches the page (the ids of its messages, the balance).

import { api } from './api.js';
import { asApiError, endedSession, refreshChats, refreshMe, syncThread } from './load.js';
import { el, render, renderBanner, renderThread, renderTyping } from './render.js';
import { settings } from './settings.js';
import { newTry, newTurn, recordMetric, state, turnOfRequest, unresolved } from './state.js';

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

/** What the server's answer says about the turn's messages: they join the thread by id. */
function learn(turn, data) {
  turn.userMessageId = data.userMessage.id;
  if (state.thread?.chatId === turn.chatId) {
    state.thread.apply(data.userMessage);
    state.thread.apply(data.assistantMessage);
  }
  if (state.me) state.me.tokenBalance = data.tokenBalance;
}

/**
 * A try refused because the session ended (401, or no usable token): the server refuses such a
 * request before it reaches the chat, so a first try stored nothing — the turn goes and its text
 * returns to the composer (before whatever was typed since), to be sent again after signing in. A
 * Retry leaves the turn as it was before it: failed, with Retry. (SIGNED_OUT: the user signed out
 * meanwhile, the page no longer shows their chats and the answer is dropped.)
 */
function sessionOver(turn) {
  turn.inFlight = false;
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
  turn.inFlight = true;
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
    });
    turn.inFlight = false;
    turn.status = 'done';
    learn(turn, result.data);
    clearIndicator(result.resolvedAt, 'success');
  } catch (e) {
    const error = asApiError(e);
    if (endedSession(error)) {
      sessionOver(turn);
      return;
    }
    turn.inFlight = false;
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

/** Hides the indicator for a finished try and records how long after the response that took. */
function clearIndicator(resolvedAt, outcome) {
  renderTyping();
  if (!el.typing.hidden) return; // another tab's turn keeps it on, truthfully
  const entry = { outcome, hiddenMs: round(performance.now() - resolvedAt) };
  recordMetric('indicatorClear', entry);
  requestAnimationFrame(() => { entry.paintedMs = round(performance.now() - resolvedAt); });
}

function round(ms) {
  return Math.round(ms * 100) / 100;
}
