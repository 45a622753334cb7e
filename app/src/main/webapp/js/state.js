// The page's state: what it knows of the server (the user, personas, chats, the open chat's thread)
// and of its own turns. Every collection is bounded: the thread keeps the newest THREAD_LIMIT
// messages, the page keeps its last TURN_LIMIT turns (each with its last few request ids), and the
// map of other tabs' typing turns holds at most ID_LIMIT entries and is cleared when a chat opens.

export const THREAD_LIMIT = 2000;
export const TURN_LIMIT = 20;
export const ID_LIMIT = 300;
const REQUESTS_PER_TURN = 5;
/** Failures after which the page cannot tell whether the server stored the turn's message. */
const OUTCOME_UNKNOWN = new Set(['CLIENT_TIMEOUT', 'NETWORK_ERROR', 'HTTP_ERROR']);

/** A Map that forgets its least recently set entry beyond `max` entries. */
export class BoundedMap extends Map {
  constructor(max) {
    super();
    this.max = max;
  }

  set(key, value) {
    this.delete(key);
    super.set(key, value);
    while (this.size > this.max) this.delete(this.keys().next().value);
    return this;
  }
}

let clock = 0;
/** A page-local logical clock: stamps when an entry was learned or changed, and when a fetch started. */
export const tick = () => ++clock;

/**
 * The open chat's messages in the server's order, as far as the page knows them. The server's list
 * only grows (messages are never deleted or moved; only their status changes), so a position is
 * stable: entries [0, synced) are exactly the server's messages at positions base .. base + synced,
 * as fetched; the rest (the tail) were learned from events or the page's own turns, in arrival
 * order, and take the server's order at the next fetch, which starts at nextOffset(). When the
 * thread outgrows THREAD_LIMIT the oldest fetched entries are dropped (base moves on).
 */
export class Thread {
  constructor(chatId) {
    this.chatId = chatId;
    this.entries = []; // { message, learned, changed } (stamps of tick())
    this.byId = new Map();
    this.base = 0;
    this.synced = 0;
    this.loaded = false; // a fetch reached the end of the server's list once
  }

  get(id) {
    return this.byId.get(id)?.message;
  }

  /** How many messages the page knows the server to have (its own view of the list's length). */
  count() {
    return this.base + this.entries.length;
  }

  nextOffset() {
    return this.base + this.synced;
  }

  /** The server position of the entry at index i, or null while it is in the unfetched tail. */
  position(i) {
    return i < this.synced ? this.base + i : null;
  }

  /**
   * Takes a page of the server's list fetched at `offset`. A message changed by an event after the
   * fetch started (`since`) keeps the event's version. Returns false when the page does not continue
   * what the page knows (the caller fetches again from nextOffset()).
   */
  applyPage(offset, items, since) {
    if (offset !== this.nextOffset()) return false;
    const fetched = new Set();
    const fresh = [];
    for (const m of items) {
      if (m.chatId !== this.chatId || fetched.has(m.id)) continue;
      fetched.add(m.id);
      const entry = this.byId.get(m.id);
      if (entry && entry.changed <= since) entry.message = merge(entry.message, m);
      fresh.push(entry || this.#entry(m));
    }
    const tail = this.entries.slice(this.synced).filter((e) => !fetched.has(e.message.id));
    this.entries = [...this.entries.slice(0, this.synced), ...fresh, ...tail];
    this.synced += fresh.length;
    this.#trim();
    return true;
  }

  /**
   * Takes one message the page was told about (an event, its own turn's response): updates the one
   * with its id, or appends it to the tail. Returns what the caller should fetch: 'new' when a reply
   * names a message the page has not seen, 'rewind' when it completes one the page holds as unfinished
   * (its status changed while the page was not listening), else null.
   */
  apply(message) {
    if (message.chatId !== this.chatId) return null;
    const entry = this.byId.get(message.id);
    if (entry) {
      entry.message = merge(entry.message, message);
      entry.changed = tick();
    } else {
      this.entries.push(this.#entry(message));
      this.#trim();
    }
    if (message.role !== 'assistant' || !message.replyTo) return null;
    const asked = this.get(message.replyTo);
    if (!asked) return 'new';
    if (message.status === 'completed' && asked.status !== 'completed') {
      this.rewindTo(message.replyTo);
      return 'rewind';
    }
    return null;
  }

  /** Makes the next fetch start at this fetched message (its status may have changed unseen). */
  rewindTo(id) {
    const i = this.entries.findIndex((e) => e.message.id === id);
    if (i >= 0 && i < this.synced) this.synced = i;
  }

  /** After missing events (a reconnection): refetch from the first message that was still pending. */
  rewindToFirstPending() {
    const i = this.entries.slice(0, this.synced).findIndex((e) => e.message.status === 'pending');
    if (i >= 0) this.synced = i;
  }

  #entry(message) {
    const stamp = tick();
    const entry = { message, learned: stamp, changed: stamp };
    this.byId.set(message.id, entry);
    return entry;
  }

  #trim() {
    const drop = Math.min(this.entries.length - THREAD_LIMIT, this.synced);
    if (drop <= 0) return;
    for (const e of this.entries.splice(0, drop)) this.byId.delete(e.message.id);
    this.base += drop;
    this.synced -= drop;
  }
}

/** The newer version of a message wins; an event that lacks the creation time keeps the known one. */
function merge(known, update) {
  return { ...update, createdAt: update.createdAt ?? known.createdAt };
}

export const state = {
  me: null,
  personas: [],
  chats: [],
  chatsStale: false,
  chatId: null,
  thread: null, // the open chat's Thread
  /** The page's own turns, oldest first: see newTurn(). */
  turns: [],
  pageError: null, // a failure outside a turn: { error, retry, source }
  remoteTyping: new BoundedMap(ID_LIMIT), // requestId -> until (ms) for the open chat's turns of other tabs
  events: null, // the open chat's event stream: { close() }
};

/**
 * A turn of the page: one message and its tries (the first and each Retry share the idempotency
 * `key`; each try has its own request id). It is matched to the server's messages by id only: the
 * user message id from the response (or the problem), the request ids in typing events. `floor`
 * (the server list's length the page knew when sending) and `sentStamp` tell which messages are
 * newer than the turn and so may be its own while its id is unknown.
 */
export function newTurn(chatId, content) {
  const thread = state.thread?.chatId === chatId ? state.thread : null;
  const turn = {
    key: crypto.randomUUID(),
    chatId,
    content,
    status: 'sending', // 'sending' | 'failed' | 'done'
    inFlight: false,
    userMessageId: null,
    requestIds: [],
    error: null,
    previousError: null, // the error of the try before the current one (kept if a Retry meets an ended session)
    reply: null, // the try's reply as it streams in (a StreamedReply), until the try's answer is in
    floor: thread?.loaded ? thread.count() : null,
    sentStamp: tick(),
  };
  state.turns.push(turn);
  while (state.turns.length > TURN_LIMIT) {
    const settled = state.turns.findIndex((t) => !t.inFlight);
    state.turns.splice(settled >= 0 ? settled : 0, 1);
  }
  return turn;
}

/**
 * A reply as its stream writes it: the text of the latest attempt only. A `retrying` voids the failed
 * attempt's text and the next attempt starts from nothing; a piece of an attempt older than the latest
 * one heard of arrives late and is dropped. `started` once a piece arrived: from then on the reply's
 * bubble stands for the typing indicator (saying "retrying…" while the text is void).
 */
export class StreamedReply {
  attempt = 0;
  text = '';
  retrying = false;
  started = false;

  /** A `delta` event's data; false when it changes nothing. */
  delta({ attempt, text }) {
    if (!(attempt >= this.attempt) || typeof text !== 'string' || text === '') return false;
    if (attempt > this.attempt) {
      this.attempt = attempt;
      this.text = '';
    }
    this.text += text;
    this.retrying = false;
    this.started = true;
    return true;
  }

  /** A `retrying` event's data: that attempt failed; false when it changes nothing. */
  retry({ attempt }) {
    if (!(attempt >= this.attempt)) return false;
    this.attempt = attempt + 1;
    this.text = '';
    this.retrying = true;
    return true;
  }
}

/** Starts a try of the turn: a fresh request id, the turn's last few kept. */
export function newTry(turn) {
  const requestId = crypto.randomUUID();
  turn.requestIds = [...turn.requestIds.slice(1 - REQUESTS_PER_TURN), requestId];
  return requestId;
}

/** The page's turn that sent this request id, if any. */
export function turnOfRequest(requestId) {
  return state.turns.find((t) => t.requestIds.includes(requestId)) || null;
}

/** The open chat's turns of this page. */
export function openTurns() {
  return state.turns.filter((t) => t.chatId === state.chatId);
}

/** A turn whose user message may be stored on the server under an id the page does not know yet. */
export function unresolved(turn) {
  return !turn.userMessageId
    && (turn.inFlight || (turn.status === 'failed' && OUTCOME_UNKNOWN.has(turn.error?.code)));
}

/** Whether the thread's entry at index i is newer than the turn (and so possibly its own message). */
export function newerThan(turn, thread, i) {
  const position = thread.position(i);
  if (position !== null) return turn.floor !== null && position >= turn.floor;
  return thread.entries[i].learned > turn.sentStamp;
}

/** A turn the page gave up on (timeout, failure) that the server has answered after all is done. */
export function reconcileTurns() {
  const thread = state.thread;
  if (!thread) return;
  for (const turn of state.turns) {
    if (turn.chatId !== thread.chatId || turn.inFlight || turn.status === 'done' || !turn.userMessageId) continue;
    if (thread.get(turn.userMessageId)?.status === 'completed') {
      turn.status = 'done';
      turn.error = null;
    }
  }
}

/**
 * What the browser tests (and curious developers) read: how fast the indicator follows the response
 * (the last METRIC_LIMIT samples of each).
 */
export const metrics = { indicatorShownMs: [], indicatorClear: [], firstDelta: [] };
const METRIC_LIMIT = 200;

export function recordMetric(name, sample) {
  const samples = metrics[name];
  samples.push(sample);
  if (samples.length > METRIC_LIMIT) samples.splice(0, samples.length - METRIC_LIMIT);
}
