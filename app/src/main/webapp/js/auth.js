// Who the page acts for: the bearer token of the last sign-in, kept in sessionStorage (this tab
// only; gone when the tab closes) with its expiry and the name it was issued to. A token that is
// about to expire counts as none, so the page never starts a request that would be refused halfway
// through a turn: the session simply ends, as it does when the server answers 401.
//
// The name of the last user stays through the end of a session (not through Sign out): signing in
// again as the same user picks up where the page was (the open chat, the draft); signing in as
// someone else starts a new "generation", and an answer to a request of an older generation is
// thrown away (see api.js), so nothing of one user's lands in the next one's page.

const TOKEN_KEY = 'parley.auth';
const USER_KEY = 'parley.user';
/** The token is given up this long before its expiry (at most a tenth of its lifetime). */
const EXPIRY_MARGIN_MS = 10000;
const MAX_TIMER_MS = 2 ** 31 - 1;

let generation = 0;
let endedListener = () => {};
let expiryTimer = null;

function read() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(TOKEN_KEY));
    if (stored && typeof stored.accessToken === 'string' && stored.accessToken
      && typeof stored.username === 'string' && Number.isFinite(stored.expiry)) return stored;
  } catch {
    // not JSON: no token
  }
  return null;
}

function schedule(session) {
  clearTimeout(expiryTimer);
  expiryTimer = setTimeout(() => end(), Math.min(MAX_TIMER_MS, Math.max(0, session.expiry - Date.now())));
}

/** The session the page may use now: {username, accessToken, expiry, generation}, or null (signed out or expired). */
export function current() {
  const stored = read();
  return stored && Date.now() < stored.expiry ? { ...stored, generation } : null;
}

/** Whether a session taken by current() still speaks for the same user (signing in again as them keeps it). */
export function sameUser(session) {
  return session.generation === generation;
}

/** The name of the last user who signed in in this tab ('' after Sign out or before any sign-in). */
export function lastUser() {
  return sessionStorage.getItem(USER_KEY) || '';
}

/** Whether the last session of this tab ended by itself (expiry, a 401) rather than by Sign out. */
export function endedUnasked() {
  return lastUser() !== '' && current() === null;
}

/** Keeps the token of a sign-in (POST /api/auth/dev-login's answer). */
export function store(username, { accessToken, expiresIn }) {
  if (username !== lastUser()) generation++;
  const lifetimeMs = Math.max(0, Number(expiresIn) * 1000);
  const session = { username, accessToken, expiry: Date.now() + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 10) };
  sessionStorage.setItem(TOKEN_KEY, JSON.stringify(session));
  sessionStorage.setItem(USER_KEY, username);
  schedule(session);
}

/** Sign out: the token and the name of the user go; answers to requests still under way are thrown away. */
export function signOut() {
  generation++;
  clearTimeout(expiryTimer);
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USER_KEY);
}

/** The session ended without the user asking (expiry, a 401): the token goes, the user's name stays. */
export function end() {
  clearTimeout(expiryTimer);
  sessionStorage.removeItem(TOKEN_KEY);
  endedListener();
}

/** The server refused a request made with this session (401): it ends, unless a newer token replaced it meanwhile. */
export function rejected(session) {
  const stored = read();
  if (!stored || stored.accessToken === session.accessToken) end();
}

/** What to do when a session ends by itself (called once per end; it may be called again while signed out). */
export function onEnded(listener) {
  endedListener = listener;
}

const restored = current();
if (restored) schedule(restored);
