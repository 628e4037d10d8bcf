// The console's only way to the hub: IoT Hub's service REST API and the emulator-only routes on the same origin,
// each call signed with the session's SAS token (docs/console.md). Errors become ApiError with the hub's message.

export const API_VERSION = '2021-04-12';

let session = null;

export function useSession(s) {
  session = s;
}

export function currentSession() {
  return session;
}

/** A failed call: the HTTP status, the hub's error code and its message (never a stack trace). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function url(path) {
  return path + (path.includes('?') ? '&' : '?') + 'api-version=' + API_VERSION;
}

function errorOf(status, text) {
  let code = 'HTTP ' + status;
  let message = text || ('the hub answered ' + status);
  try {
    const body = JSON.parse(text);
    const m = /^ErrorCode:([^;]*);([\s\S]*)$/.exec(body.Message || '');
    if (m) {
      code = m[1];
      message = m[2];
    } else if (body.Message) {
      message = body.Message;
    }
  } catch (e) {
    // not JSON: keep the text
  }
  if (status === 401) {
    window.dispatchEvent(new CustomEvent('rxiothub-unauthorized', { detail: message }));
  }
  return new ApiError(status, code, message);
}

function headers(extra) {
  if (!session) {
    throw new ApiError(401, 'NotSignedIn', 'sign in first');
  }
  return Object.assign({ Authorization: session.token }, extra || {});
}

/** Calls a route; resolves to the parsed JSON answer (null when empty), rejects with ApiError. */
export async function call(method, path, body, extraHeaders) {
  const init = { method, headers: headers(extraHeaders), cache: 'no-store' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url(path), init);
  } catch (e) {
    throw new ApiError(0, 'Unreachable', 'the emulator did not answer (is it still running?)');
  }
  const text = await res.text();
  if (!res.ok) {
    throw errorOf(res.status, text);
  }
  return text ? JSON.parse(text) : null;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body === undefined ? {} : body);

/** Path segment encoding for ids. */
export const seg = (text) => encodeURIComponent(text);

/**
 * Reads a Server-Sent Events route with the session's token (EventSource cannot send one) and calls
 * onEvent(type, data) per event until abort() or the stream ends; onEnd(error or null) then.
 */
export function stream(path, onEvent, onEnd) {
  const controller = new AbortController();
  (async () => {
    let res;
    try {
      res = await fetch(url(path), { headers: headers(), signal: controller.signal, cache: 'no-store' });
      if (!res.ok) {
        throw errorOf(res.status, await res.text());
      }
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) {
              type = line.slice(6).trim();
            } else if (line.startsWith('data:')) {
              data.push(line.slice(5).replace(/^ /, ''));
            }
          }
          if (data.length) {
            onEvent(type, data.join('\n'));
          }
        }
      }
      onEnd(null);
    } catch (e) {
      if (!controller.signal.aborted) {
        onEnd(e instanceof ApiError ? e : new ApiError(0, 'StreamEnded', 'the telemetry stream ended: ' + e.message));
      }
    }
  })();
  return () => controller.abort();
}
