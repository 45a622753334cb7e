// Settings read once at load, from the query string (then localStorage for the timeout).
//
//   ?clientTimeoutMs=<n>   how long a send may take before the page gives up (default 30000);
//                          also localStorage 'parley.clientTimeoutMs'
//   ?forceError=<value>    developer aid: sends X-Debug-Force-Error: <value> with the next request
//                          (e.g. unavailable;count=1); honoured only by a server with debug enabled
//   ?dev=1                 shows the developer panel (a field for the same header)
//   ?lang=en|zh            the language to start with (the switch remembers a choice)

const query = new URLSearchParams(location.search);

function positiveInteger(value) {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : null;
}

export const DEFAULT_CLIENT_TIMEOUT_MS = 30000;

export const settings = Object.freeze({
  clientTimeoutMs: positiveInteger(query.get('clientTimeoutMs'))
    ?? positiveInteger(localStorage.getItem('parley.clientTimeoutMs'))
    ?? DEFAULT_CLIENT_TIMEOUT_MS,
  forceError: query.get('forceError') || '',
  dev: query.get('dev') === '1' || query.has('forceError'),
  lang: query.get('lang') || '',
});
