// Server-Sent Events read from a fetch response (EventSource cannot POST): a parser of the
// text/event-stream format as the HTML standard defines it, fed with the body's chunks as they come.
// Lines end with CRLF, LF or CR (a CRLF may be split across two chunks); `:` starts a comment; an
// event's `data:` lines are joined with LF; a blank line dispatches it (none without data). Only
// `event` and `data` are kept: a send's stream has no ids and is never resumed.

const LINE_END = /\r\n|\r|\n/g;

/** A parser that calls onEvent(name, data) for each complete event in the text pushed into it. */
export function sseParser(onEvent) {
  let buffer = '';
  let name = '';
  let data = [];

  function line(text) {
    if (text === '') {
      if (data.length > 0) onEvent(name || 'message', data.join('\n'));
      name = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    const value = colon < 0 ? '' : text.slice(colon + (text[colon + 1] === ' ' ? 2 : 1));
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }

  return {
    /** Takes the next piece of the stream's text; an unfinished line waits for the next piece. */
    push(text) {
      buffer += text;
      let start = 0;
      for (const end of buffer.matchAll(LINE_END)) {
        if (end[0] === '\r' && end.index === buffer.length - 1) break; // maybe the first half of a CRLF
        line(buffer.slice(start, end.index));
        start = end.index + end[0].length;
      }
      buffer = buffer.slice(start);
    },

    /** The stream ended: a CR at its very end did end a line. */
    end() {
      if (buffer.endsWith('\r')) line(buffer.slice(0, -1));
      buffer = '';
    },
  };
}

/**
 * Reads a response's body as events until it ends, calling onEvent(name, data) for each; stops early
 * (and releases the body) as soon as onEvent returns true.
 */
export async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let stop = false;
  const parser = sseParser((name, data) => {
    if (!stop) stop = onEvent(name, data) === true;
  });
  for (;;) {
    const { done, value } = await reader.read();
    parser.push(decoder.decode(value, { stream: !done }));
    if (done) parser.end();
    if (stop) {
      reader.cancel().catch(() => {});
      return;
    }
    if (done) return;
  }
}
