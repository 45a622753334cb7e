// The sign-in view: a name (1–64 letters, digits, dots, underscores, hyphens) for which the server
// issues a token (POST /api/auth/dev-login). It replaces the app while the page has no usable token;
// the app, with the user's name and Sign out at the top, replaces it again after signing in.
// A server without dev sign-in (a production deployment) answers 404: the page says that sign-in
// has to come from the operator's identity provider, as it cannot issue tokens itself.

import { api, ApiError } from './api.js';
import * as auth from './auth.js';
import * as i18n from './i18n.js';
import { asApiError } from './load.js';
import { el } from './render.js';

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

let notice = null; // an i18n key: why the sign-in is showing
let problem = null; // what went wrong: { key } or { error } (an ApiError), `field` when the name is at fault
let busy = false;

/** Shows either the sign-in (with a notice: an i18n key, or null) or the app and the account. */
function show(view, noticeKey = null) {
  const signedIn = view === 'app';
  notice = noticeKey;
  problem = null;
  el.signIn.hidden = signedIn;
  for (const part of [el.app, el.account, el.balanceBox]) part.hidden = !signedIn;
  document.body.dataset.view = view;
  renderSignIn();
}

/** Shows the sign-in instead of the app, with a notice (an i18n key, or null). */
export function showSignIn(noticeKey) {
  el.signInName.value = auth.lastUser();
  show('signin', noticeKey);
  el.signInName.focus();
}

/** Shows the app for the signed-in user. */
export function showApp(username) {
  el.accountName.textContent = username;
  show('app');
}

function problemText() {
  if (!problem) return '';
  if (problem.key) return i18n.t(problem.key);
  const { error } = problem;
  const detail = error.detail && error.detailLanguage === i18n.language() ? error.detail
    : i18n.errorFallback(error.code, { status: error.status, seconds: '' });
  return `${i18n.errorTitle(error.code)}: ${detail}`;
}

/** Draws the notice, the error and the button in the current language. */
export function renderSignIn() {
  el.signInNotice.textContent = notice ? i18n.t(notice) : '';
  el.signInNotice.hidden = !notice;
  const text = problemText();
  el.signInError.textContent = text;
  el.signInError.hidden = !text;
  if (problem?.field) el.signInName.setAttribute('aria-invalid', 'true');
  else el.signInName.removeAttribute('aria-invalid');
  el.signInButton.disabled = busy;
  el.signInButton.textContent = i18n.t(busy ? 'signingIn' : 'signIn');
}

function fail(newProblem) {
  problem = newProblem;
  renderSignIn();
  el.signInName.focus();
}

/** Wires the form (Enter in the field submits it): onSignedIn(username, token) takes over after a sign-in. */
export function initSignIn(onSignedIn) {
  el.signInName.addEventListener('input', () => {
    if (problem?.field) {
      problem = null;
      renderSignIn();
    }
  });
  el.signInForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const username = el.signInName.value.trim();
    if (!username) {
      fail({ key: 'signInEmpty', field: true });
      return;
    }
    if (!NAME.test(username)) {
      fail({ key: 'signInInvalid', field: true });
      return;
    }
    busy = true;
    problem = null;
    renderSignIn();
    let token;
    try {
      ({ data: token } = await api.devLogin(username));
      if (typeof token?.accessToken !== 'string' || !Number.isFinite(token.expiresIn)) {
        throw new ApiError({ code: 'HTTP_ERROR', status: 200 });
      }
    } catch (e) {
      const error = asApiError(e);
      busy = false;
      if (error.status === 404) fail({ key: 'signInUnavailable' });
      else fail({ error, field: error.code === 'VALIDATION_FAILED' });
      return;
    }
    busy = false;
    await onSignedIn(username, token);
  });
}
