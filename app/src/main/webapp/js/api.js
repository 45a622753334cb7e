// The public API of Parley, as the client uses it: JSON in and out, problem+json errors turned into
// ApiError, Accept-Language on every call, the bearer token on every call that needs one, an
// AbortController timeout on sends, whose reply is read as a stream of events. Without a usable token
// (none, or about to expire) a call that needs one is not made: it fails as UNAUTHENTICATED and ends
// the session, as a 401 does.

import * as auth from './auth.js';
import { acceptLanguage, language } from './i18n.js';
import { readEvents } from './sse.js';

/** The only calls that need no token. */
const PUBLIC_PATHS = new Set(['/api/personas', '/api/auth/dev-login']);

/** An error the UI can explain: a server problem, a client timeout or a network failure. */
export class ApiError extends Error {
  constructor({ code, status = 0, retryable = false, retryAfterSeconds = null, detail = null,
    detailLanguage = null, requestId = null, userMessageId = null, resolvedAt = performance.now() }) {
    super(code);
    Object.assign(this, { code, status, retryable, retryAfterSeconds, detail, detailLanguage, requestId,
      userMessageId, resolvedAt });
  }
}

function headers(accept, extra) {
  return { Accept: accept, 'Accept-Language': acceptLanguage(), ...extra };
}

function retryAfterHeader(response) {
  const value = response.headers.get('Retry-After');
  return value && /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
}

/**
 * The error a problem body tells (HTTP_ERROR when it is none): the body of an error response, or of a
 * streamed reply's `failed` event (then `status` is the body's, and the stream's headers have no
 * Retry-After). `detailLanguage` is the language its detail is written in.
 */
function problemError(problem, status, response, resolvedAt, detailLanguage) {
  const requestId = response.headers.get('X-Request-Id');
  if (!problem || typeof problem.code !== 'string') {
    return new ApiError({ code: 'HTTP_ERROR', status, requestId, resolvedAt,
      retryable: status === 502 || status === 503 || status === 504,
      retryAfterSeconds: retryAfterHeader(response) });
  }
  return new ApiError({
    code: problem.code,
    status,
    retryable: problem.retryable === true,
    retryAfterSeconds: Number.isFinite(problem.retryAfterSeconds) ? problem.retryAfterSeconds
      : retryAfterHeader(response),
    detail: typeof problem.detail === 'string' ? problem.detail : null,
    detailLanguage: detailLanguage.split('-')[0],
    requestId: problem.requestId || requestId,
    userMessageId: problem.userMessageId || null,
    resolvedAt,
  });
}

async function toError(response, resolvedAt, asked) {
  let problem = null;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try { problem = await response.json(); } catch { problem = null; }
  }
  return problemError(problem, response.status, response, resolvedAt,
    response.headers.get('Content-Language') || asked);
}

/** A successful response's JSON body. */
async function readJson(response, { resolvedAt }) {
  try {
    const data = response.status === 204 ? null : await response.json();
    return { data, resolvedAt, requestId: response.headers.get('X-Request-Id') };
  } catch {
    throw new ApiError({ code: 'HTTP_ERROR', status: response.status, resolvedAt });
  }
}

/**
 * A streamed reply (see api.send): onEvent hears every event before the last, which decides: the
 * `completed` body is the answer, a `failed` body the error. A stream that ends before its last event
 * was cut, like a connection that fails: NETWORK_ERROR.
 */
function readReply(onEvent) {
  return async (response, { session, lost, asked }) => {
    if (!(response.headers.get('Content-Type') || '').startsWith('text/event-stream')) {
      throw new ApiError({ code: 'HTTP_ERROR', status: response.status });
    }
    let end = null;
    try {
      await readEvents(response, (name, text) => {
        const at = performance.now();
        if (session && !auth.sameUser(session)) {
          end = { error: new ApiError({ code: 'SIGNED_OUT', status: response.status, resolvedAt: at }) };
          return true;
        }
        let data;
        try { data = JSON.parse(text); } catch { return false; }
        if (name === 'completed') {
          end = { data, resolvedAt: at };
        } else if (name === 'failed') {
          // the stream's own Content-Language (if any) is not the detail's: that is the language asked for
          const status = Number.isInteger(data?.status) ? data.status : 0;
          end = { error: problemError(data, status, response, at, asked) };
        } else {
          hear(onEvent, name, data);
        }
        return end !== null;
      });
    } catch {
      throw lost();
    }
    if (!end) throw new ApiError({ code: 'NETWORK_ERROR', retryable: true });
    if (end.error) throw end.error;
    return { data: end.data, resolvedAt: end.resolvedAt, requestId: response.headers.get('X-Request-Id') };
  };
}

/** A listener's own failure is reported as uncaught, not mistaken for the stream's. */
function hear(onEvent, name, data) {
  try {
    onEvent(name, data);
  } catch (e) {
    reportError(e);
  }
}

/**
 * One request. The timeout covers reading the answer too (a streamed reply until its last event);
 * `read` turns a successful response into {data, resolvedAt, requestId}.
 */
async function call(method, path, { body, extraHeaders = {}, timeoutMs = 0, accept = 'application/json',
  read = readJson } = {}) {
  const session = PUBLIC_PATHS.has(path) ? null : auth.current();
  if (!session && !PUBLIC_PATHS.has(path)) {
    auth.end();
    throw new ApiError({ code: 'UNAUTHENTICATED', status: 401 });
  }
  if (session) extraHeaders = { ...extraHeaders, Authorization: `Bearer ${session.accessToken}` };
  const asked = language();
  const controller = new AbortController();
  const timer = timeoutMs > 0 ? setTimeout(() => controller.abort(), timeoutMs) : null;
  const lost = () => new ApiError({ code: controller.signal.aborted ? 'CLIENT_TIMEOUT' : 'NETWORK_ERROR',
    retryable: true });
  try {
    let response;
    try {
      response = await fetch(path, {
        method,
        headers: headers(accept, body === undefined ? extraHeaders
          : { 'Content-Type': 'application/json', ...extraHeaders }),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        cache: 'no-store',
      });
    } catch {
      throw lost();
    }
    const resolvedAt = performance.now();
    if (session && !auth.sameUser(session)) {
      // signed out (or in as someone else) meanwhile: this answer is not for the page any more
      throw new ApiError({ code: 'SIGNED_OUT', status: response.status, resolvedAt });
    }
    if (response.status === 401 && session) auth.rejected(session);
    if (!response.ok) throw await toError(response, resolvedAt, asked);
    return await read(response, { resolvedAt, session, lost, asked });
  } finally {
    if (timer) clearTimeout(timer);
  }
}

export const api = {
  /** Dev sign-in: {accessToken, tokenType, expiresIn}; 404 when the server has it turned off. */
  devLogin: (username) => call('POST', '/api/auth/dev-login', { body: { username } }),
  me: () => call('GET', '/api/me'),
  personas: () => call('GET', '/api/personas'),
  chats: () => call('GET', '/api/chats'),
  startChat: (personaId) => call('POST', '/api/chats', { body: { personaId } }),
  /** One page of a chat's messages, oldest first: {items, offset, limit, nextOffset?}. */
  messages: (chatId, offset, limit) => call('GET',
    `/api/chats/${encodeURIComponent(chatId)}/messages?offset=${offset}&limit=${limit}`),

  /**
   * One try of a turn, its reply streamed (Accept: text/event-stream). The idempotency key is the
   * turn's (the same on every retry); the request id is this try's, so the page recognises its own
   * turn in the chat's events. onEvent(name, data) hears `accepted` (the stored user message), `delta`
   * ({attempt, text}) and `retrying` ({attempt, errorCode, backoffMs}) as they come. Resolves with the
   * `completed` event's body (the 201 body of a JSON send); rejects with the ApiError of a problem
   * before the stream or of the `failed` event's body, CLIENT_TIMEOUT when the last event is not there
   * within timeoutMs, NETWORK_ERROR when the stream breaks off before it.
   */
  send: (chatId, content, { idempotencyKey, requestId, forceError, timeoutMs, onEvent = () => {} }) => {
    const extraHeaders = { 'Idempotency-Key': idempotencyKey, 'X-Request-Id': requestId };
    if (forceError) extraHeaders['X-Debug-Force-Error'] = forceError;
    return call('POST', `/api/chats/${encodeURIComponent(chatId)}/messages`,
      { body: { content }, extraHeaders, timeoutMs, accept: 'text/event-stream', read: readReply(onEvent) });
  },

  /** A single-use ticket (valid for 30 s) for one connection of the chat's event stream: {ticket, ...}. */
  eventsTicket: (chatId) => call('POST', `/api/chats/${encodeURIComponent(chatId)}/events/ticket`),
  /** EventSource cannot send headers: the stream is opened with a ticket instead of the token. */
  eventsUrl: (chatId, ticket, lastEventId) => `/api/chats/${encodeURIComponent(chatId)}/events?ticket=${encodeURIComponent(ticket)}`
    + (lastEventId ? `&lastEventId=${encodeURIComponent(lastEventId)}` : ''),
};
