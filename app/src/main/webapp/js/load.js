// Loading from the server: the balance, the chat list and the open chat's thread. The thread is
// fetched from where the page's knowledge ends (Thread.nextOffset()), never again from the start.

import { api, ApiError } from './api.js';
import { render, renderBalance, renderChats, renderThread } from './render.js';
import { reconcileTurns, state, tick } from './state.js';

const PAGE_SIZE = 200;

export function asApiError(e) {
  return e instanceof ApiError ? e : new ApiError({ code: 'HTTP_ERROR' });
}

/**
 * A failure that says nothing about the request, only that the session is over: UNAUTHENTICATED
 * (the sign-in is showing; what failed is fetched again after it) or SIGNED_OUT (the answer was for
 * a user who is gone). Not shown as an error.
 */
export function endedSession(e) {
  return e?.code === 'UNAUTHENTICATED' || e?.code === 'SIGNED_OUT';
}

/** Wraps an async task so that calls made while it runs coalesce into one more run after it. */
function coalesced(task) {
  let running = null;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return running;
    }
    running = task().finally(() => {
      running = null;
      if (again) {
        again = false;
        run();
      }
    });
    return running;
  };
  return run;
}

export async function refreshMe() {
  try {
    state.me = (await api.me()).data;
  } catch {
    // the balance keeps its last value; the next turn refreshes it again
  }
  renderBalance();
}

export const refreshChats = coalesced(async () => {
  try {
    state.chats = (await api.chats()).data;
    state.chatsStale = false;
  } catch (e) {
    if (!endedSession(e)) state.chatsStale = true; // the list stays as it was
  }
  renderChats();
  if (state.chatId) renderThread();
});

/**
 * Fetches what the open chat has beyond what the page knows, page by page to the end of the list:
 * the whole thread the first time (the newest THREAD_LIMIT messages are kept), then only what is new.
 */
export const syncThread = coalesced(async () => {
  const thread = state.thread;
  if (!thread) return;
  try {
    let offset = thread.nextOffset();
    for (;;) {
      const since = tick();
      const { data } = await api.messages(thread.chatId, offset, PAGE_SIZE);
      if (state.thread !== thread) return;
      if (!thread.applyPage(offset, data.items, since)) {
        offset = thread.nextOffset(); // a rewind meanwhile: continue from there
        continue;
      }
      if (data.nextOffset == null) break;
      offset = data.nextOffset;
    }
    thread.loaded = true;
    if (state.pageError?.source === 'thread') state.pageError = null;
    reconcileTurns();
  } catch (e) {
    if (state.thread !== thread || endedSession(e)) return;
    state.pageError = { error: asApiError(e), retry: syncThread, source: 'thread' };
  }
  if (state.thread === thread) render();
});
