// The public API of Parley, as the client uses it: JSON in and out, problem+json errors turned into
// ApiError, Accept-Language on every call, the bearer token on every call that needs one, an
// AbortController timeout on sends. Without a usable token (none, or about to expire) a call that
// needs one is not made: it fails as UNAUTHENTICATED and ends the session, as a 401 does.

import * as auth from './auth.js';
import { acceptLanguage, language } from './i18n.js';

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

function headers(extra = {}) {
  return { Accept: 'application/json', 'Accept-Language': acceptLanguage(), ...extra };
}

function retryAfterHeader(response) {
  const value = response.headers.get('Retry-After');
  return value && /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
}

async function toError(response, resolvedAt) {
  let problem = null;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try { problem = await response.json(); } catch { problem = null; }
  }
  const requestId = response.headers.get('X-Request-Id');
  if (!problem || typeof problem.code !== 'string') {
    return new ApiError({ code: 'HTTP_ERROR', status: response.status, requestId, resolvedAt,
      retryable: response.status === 502 || response.status === 503 || response.status === 504,
      retryAfterSeconds: retryAfterHeader(response) });
  }
  return new ApiError({
    code: problem.code,
    status: response.status,
    retryable: problem.retryable === true,
    retryAfterSeconds: Number.isFinite(problem.retryAfterSeconds) ? problem.retryAfterSeconds
      : retryAfterHeader(response),
    detail: typeof problem.detail === 'string' ? problem.detail : null,
    detailLanguage: (response.headers.get('Content-Language') || language()).split('-')[0],
    requestId: problem.requestId || requestId,
    userMessageId: problem.userMessageId || null,
    resolvedAt,
  });
}

async function call(method, path, { body, extraHeaders = {}, timeoutMs = 0 } = {}) {
  const session = PUBLIC_PATHS.has(path) ? null : auth.current();
  if (!session && !PUBLIC_PATHS.has(path)) {
    auth.end();
    throw new ApiError({ code: 'UNAUTHENTICATED', status: 401 });
  }
  if (session) extraHeaders = { ...extraHeaders, Authorization: `Bearer ${session.accessToken}` };
  const controller = new AbortController();
  const timer = timeoutMs > 0 ? setTimeout(() => controller.abort(), timeoutMs) : null;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: headers(body === undefined ? extraHeaders : { 'Content-Type': 'application/json', ...extraHeaders }),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: 'no-store',
    });
  } catch (e) {
    const resolvedAt = performance.now();
    if (controller.signal.aborted) {
      throw new ApiError({ code: 'CLIENT_TIMEOUT', retryable: true, resolvedAt });
    }
    throw new ApiError({ code: 'NETWORK_ERROR', retryable: true, resolvedAt });
  } finally {
    if (timer) clearTimeout(timer);
  }
  const resolvedAt = performance.now();
  if (session && !auth.sameUser(session)) {
    // signed out (or in as someone else) meanwhile: this answer is not for the page any more
    throw new ApiError({ code: 'SIGNED_OUT', status: response.status, resolvedAt });
  }
  if (response.status === 401 && session) auth.rejected(session);
  if (!response.ok) throw await toError(response, resolvedAt);
  try {
    const data = response.status === 204 ? null : await response.json();
    return { data, resolvedAt, requestId: response.headers.get('X-Request-Id') };
  } catch {
    throw new ApiError({ code: 'HTTP_ERROR', status: response.status, resolvedAt });
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
   * One try of a turn. The idempotency key is the turn's (the same on every retry); the request id
   * is this try's, so the page recognises its own turn in the chat's events.
   */
  send: (chatId, content, { idempotencyKey, requestId, forceError, timeoutMs }) => {
    const extraHeaders = { 'Idempotency-Key': idempotencyKey, 'X-Request-Id': requestId };
    if (forceError) extraHeaders['X-Debug-Force-Error'] = forceError;
    return call('POST', `/api/chats/${encodeURIComponent(chatId)}/messages`,
      { body: { content }, extraHeaders, timeoutMs });
  },

  /** A single-use ticket (valid for 30 s) for one connection of the chat's event stream: {ticket, ...}. */
  eventsTicket: (chatId) => call('POST', `/api/chats/${encodeURIComponent(chatId)}/events/ticket`),
  /** EventSource cannot send headers: the stream is opened with a ticket instead of the token. */
  eventsUrl: (chatId, ticket, lastEventId) => `/api/chats/${encodeURIComponent(chatId)}/events?ticket=${encodeURIComponent(ticket)}`
    + (lastEventId ? `&lastEventId=${encodeURIComponent(lastEventId)}` : ''),
};
